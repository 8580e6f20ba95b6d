package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiveMinuteStreamTest {
  private static final String[] OHLCV = {"symbol", "window_start", "window_end", "open", "high",
      "low", "close", "volume", "quote_volume", "trades", "candle_count", "complete"};
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void windowsAppearOncePastTheWatermarkLateCandlesAreCountedAndTheBatchJobRepairs()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    DeltaTable.createIfNotExists(spark).location(lakehouse.silverCandles1m())
        .addColumns(SyntheticCandles.SILVER).property("delta.enableChangeDataFeed", "true")
        .execute();
    Set<Integer> delayed = Set.of(2, 3, 12, 25);
    SyntheticCandles first = new SyntheticCandles();
    for (int m = 0; m < 30; m++) if (!delayed.contains(m)) minute(first, m);
    append(lakehouse, first);
    Duration watermark = Duration.ofMinutes(10);

    FiveMinuteStream.Result firstRun = run(lakehouse, watermark, -1);

    // Newest candle: minute 29, so the watermark is minute 19: windows ending by 15 are final.
    assertThat(firstRun.candlesRead()).isEqualTo(26);
    assertThat(firstRun.lateCandles()).isZero();
    assertThat(firstRun.windowsWritten()).isEqualTo(3);

    // Minutes 2, 3 and 12 arrive behind the watermark (19); 25 is behind the newest candle but
    // ahead of the watermark, so it still counts. Minutes 30-59 move the watermark to 49.
    SyntheticCandles second = new SyntheticCandles();
    delayed.stream().sorted().forEach(m -> minute(second, m));
    for (int m = 30; m < 60; m++) minute(second, m);
    append(lakehouse, second);

    FiveMinuteStream.Result secondRun = run(lakehouse, watermark, firstRun.lastBatchId());

    assertThat(secondRun.candlesRead()).isEqualTo(34);
    assertThat(secondRun.lateCandles()).isEqualTo(3);
    assertThat(secondRun.windowsWritten()).isEqualTo(6);
    Row recorded = spark.read().format("delta").load(FiveMinuteStream.batchesTable(lakehouse))
        .selectExpr("sum(candles_read)", "sum(late_candles)", "sum(windows_written)",
            "count(DISTINCT batch_id) = count(*)", "max(watermark)")
        .first();
    assertThat(recorded.getLong(0)).isEqualTo(60);
    assertThat(recorded.getLong(1)).isEqualTo(3);
    assertThat(recorded.getLong(2)).isEqualTo(9);
    assertThat(recorded.getBoolean(3)).isTrue();
    assertThat(recorded.getTimestamp(4).getTime()).isEqualTo(SyntheticCandles.T0 + 49 * 60_000L);

    List<Row> live = spark.read().format("delta").load(FiveMinuteStream.liveTable(lakehouse))
        .orderBy("window_start").collectAsList();
    assertThat(live).extracting(r -> minutes(r.getAs("window_start")))
        .containsExactly(0L, 5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L);
    Row withoutLate = live.get(0);
    assertThat(withoutLate.<Long>getAs("candle_count")).isEqualTo(3L);
    assertThat(withoutLate.<Boolean>getAs("complete")).isFalse();
    assertThat(withoutLate.<BigDecimal>getAs("open")).isEqualByComparingTo("10.00");
    assertThat(withoutLate.<BigDecimal>getAs("close")).isEqualByComparingTo("10.045");
    assertThat(withoutLate.<BigDecimal>getAs("volume")).isEqualByComparingTo("8");  // 1+2+5
    assertThat(live.get(2).<Long>getAs("candle_count")).isEqualTo(4L);

    // Every window no late candle touched equals the batch rollup, field by field; minute 25
    // came late but ahead of the watermark, so its window is complete.
    Dataset<Row> batch = Rollups.rollup(silver(lakehouse), RollupWindow.FIVE_MINUTES)
        .filter("window_start NOT IN (timestamp_millis(" + SyntheticCandles.T0 + "),"
            + " timestamp_millis(" + (SyntheticCandles.T0 + 600_000) + "))"
            + " AND window_start < timestamp_millis(" + (SyntheticCandles.T0 + 45 * 60_000)
            + ")");
    Dataset<Row> liveRows = spark.read().format("delta")
        .load(FiveMinuteStream.liveTable(lakehouse)).filter("candle_count = 5");
    assertThat(liveRows.count()).isEqualTo(7);
    assertThat(liveRows.select(cols()).exceptAll(batch.select(cols())).collectAsList()).isEmpty();
    assertThat(batch.select(cols()).exceptAll(liveRows.select(cols())).collectAsList()).isEmpty();

    // The incremental batch job puts the late candles where they belong: candles_5m.
    new GoldJob(new GoldConfig(lakehouse, S3Settings.aws(null), "local[2]", 15)).run(spark);
    List<Row> repaired = spark.read().format("delta").load(lakehouse.goldCandles("5m"))
        .filter("window_start IN (timestamp_millis(" + SyntheticCandles.T0 + "),"
            + " timestamp_millis(" + (SyntheticCandles.T0 + 600_000) + "))")
        .orderBy("window_start").collectAsList();
    assertThat(repaired).extracting(r -> r.<Long>getAs("candle_count")).containsExactly(5L, 5L);
    assertThat(repaired).extracting(r -> r.<Boolean>getAs("complete")).containsExactly(true, true);
  }

  /** A candle whose every field depends on its minute, so a misplaced one shows. */
  private static void minute(SyntheticCandles candles, int m) {
    BigDecimal open = new BigDecimal("10.00").add(new BigDecimal(m).movePointLeft(2));
    candles.add("LINKUSDT", m, open.toPlainString(), open.add(new BigDecimal("0.02"))
            .add(new BigDecimal(m % 3).movePointLeft(2)).toPlainString(),
        open.subtract(new BigDecimal("0.01")).toPlainString(),
        open.add(new BigDecimal("0.005")).toPlainString(), String.valueOf(m + 1), 10L + m);
  }

  private static org.apache.spark.sql.Column[] cols() {
    return java.util.Arrays.stream(OHLCV).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  private static long minutes(Timestamp t) {
    return (t.getTime() - SyntheticCandles.T0) / 60_000;
  }

  private FiveMinuteStream.Result run(Lakehouse lakehouse, Duration watermark, long after)
      throws Exception {
    StreamingQuery query = FiveMinuteStream.start(spark, lakehouse, watermark, null);
    query.awaitTermination();
    return FiveMinuteStream.recordBatches(spark, lakehouse, query, after);
  }

  private Dataset<Row> silver(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.silverCandles1m());
  }

  private void append(Lakehouse lakehouse, SyntheticCandles candles) {
    candles.toDataset(spark).write().format("delta").mode("append")
        .save(lakehouse.silverCandles1m());
  }
}
