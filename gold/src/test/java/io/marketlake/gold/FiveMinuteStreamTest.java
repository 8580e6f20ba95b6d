package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiveMinuteStreamTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void windowsAppearOncePastTheWatermarkAndLateCandlesAreCounted() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    DeltaTable.createIfNotExists(spark).location(lakehouse.silverCandles1m())
        .addColumns(SyntheticCandles.SILVER).property("delta.enableChangeDataFeed", "true")
        .execute();
    // Minutes 0-29 but minute 3: window [0, 5) is missing one candle.
    SyntheticCandles first = new SyntheticCandles();
    for (int m = 0; m < 30; m++) {
      if (m != 3) first.add("LINKUSDT", m, "10", "10.5", "9.5", "10." + m % 10, "1", 1);
    }
    append(lakehouse, first);
    Duration watermark = Duration.ofMinutes(10);
    run(lakehouse, watermark);

    // Later: minutes 30-59 arrive, and so does minute 3, long behind the watermark.
    SyntheticCandles second = new SyntheticCandles().add("LINKUSDT", 3, "10", "11", "9", "10",
        "1", 1);
    for (int m = 30; m < 60; m++) second.add("LINKUSDT", m, "10", "10.5", "9.5", "10.1", "1", 1);
    append(lakehouse, second);
    FiveMinuteStream.Result result = run(lakehouse, watermark);

    assertThat(result.lateRowsDropped()).isEqualTo(1);
    List<Row> live = spark.read().format("delta").load(lakehouse.root()
        + "/gold/candles_5m_live").orderBy("window_start").collectAsList();
    // Watermark after the last batch: minute 59 - 10 = 49, so windows ending by 45 are final.
    assertThat(live).extracting(r -> (r.<Timestamp>getAs("window_start").getTime()
            - SyntheticCandles.T0) / 60_000)
        .containsExactly(0L, 5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L);
    Row firstWindow = live.get(0);
    assertThat(firstWindow.<Long>getAs("candle_count")).isEqualTo(4L);
    assertThat(firstWindow.<Boolean>getAs("complete")).isFalse();
    assertThat(firstWindow.<BigDecimal>getAs("close")).isEqualByComparingTo("10.4");
    assertThat(live.get(1).<Boolean>getAs("complete")).isTrue();
  }

  private FiveMinuteStream.Result run(Lakehouse lakehouse, Duration watermark) throws Exception {
    StreamingQuery query = FiveMinuteStream.start(spark, lakehouse, watermark, null);
    query.awaitTermination();
    return FiveMinuteStream.summarize(query);
  }

  private void append(Lakehouse lakehouse, SyntheticCandles candles) {
    candles.toDataset(spark).write().format("delta").mode("append")
        .save(lakehouse.silverCandles1m());
  }
}
