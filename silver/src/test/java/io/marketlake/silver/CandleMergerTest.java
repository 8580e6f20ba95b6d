package io.marketlake.silver;

import static io.marketlake.silver.BronzeFixture.T0;
import static io.marketlake.silver.BronzeFixture.at;
import static io.marketlake.silver.BronzeFixture.candle;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.MessageCodec;
import io.marketlake.common.spark.BronzeSchema;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which version of a candle is the newest, when versions meet in a batch or in the MERGE. */
class CandleMergerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Timestamp INGESTED = at("2026-02-02T00:00:00Z");
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void theLaterFetchWinsInABatchWhateverItsPartitionAndOffset() {
    // Minute 1 fetched twice: at 00:01:30, while forming (close 10.4), then at 00:02:05, final
    // (close 10.5). The final one sits at a lower offset of another partition.
    Dataset<Row> bronze = spark.createDataFrame(List.of(
        bronze(1, 5, "10.5", 125, INGESTED),
        bronze(0, 9, "10.4", 90, INGESTED),
        // Same fetch and ingest time: the partition, then the offset, break the tie.
        bronze(0, 10, "10.6", 130, INGESTED),
        bronze(1, 3, "10.7", 130, INGESTED)), BronzeSchema.TABLE);

    List<Row> latest = CandleMerger.latestPerCandle(CandleParser.parse(bronze.filter(
        "offset IN (5, 9)"))).collectAsList();
    List<Row> tie = CandleMerger.latestPerCandle(CandleParser.parse(bronze.filter(
        "offset IN (10, 3)"))).collectAsList();

    assertThat(latest).extracting(r -> r.<BigDecimal>getAs("close").stripTrailingZeros()
        .toPlainString()).containsExactly("10.5");
    assertThat(tie).extracting(r -> r.<BigDecimal>getAs("close").stripTrailingZeros()
        .toPlainString()).containsExactly("10.7");
  }

  @Test
  void anOlderFetchReachingBronzeLaterDoesNotReplaceTheNewerOneInSilver() {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    String table = lakehouse.silverCandles1m();
    SilverTables.createIfMissing(spark, table, lakehouse.silverQuarantine(),
        lakehouse.silverQualityMetrics());
    // The final version (fetched 00:02:05) is merged first; the forming one (fetched 00:01:30,
    // another partition) reaches bronze a day later.
    merge(table, bronze(1, 5, "10.5", 125, INGESTED));
    CandleMerger.MergeCounts stale = merge(table, bronze(0, 9, "10.4", 90,
        at("2026-02-03T00:00:00Z")));
    CandleMerger.MergeCounts newer = merge(table, bronze(0, 10, "10.6", 200,
        at("2026-02-03T00:00:00Z")));

    assertThat(stale).isEqualTo(new CandleMerger.MergeCounts(0, 0));
    assertThat(newer).isEqualTo(new CandleMerger.MergeCounts(0, 1));
    assertThat(spark.read().format("delta").load(table).collectAsList())
        .extracting(r -> r.<BigDecimal>getAs("close").stripTrailingZeros().toPlainString())
        .containsExactly("10.6");
  }

  private CandleMerger.MergeCounts merge(String table, Row bronzeRow) {
    Dataset<Row> parsed = CandleParser.parse(
        spark.createDataFrame(List.of(bronzeRow), BronzeSchema.TABLE));
    return CandleMerger.merge(spark, table,
        CandleMerger.toSilverRows(CandleMerger.latestPerCandle(parsed)),
        List.of("2026-02-01"));
  }

  /** LINKUSDT minute 1 with this close, fetched {@code fetchedSecond} s after T0, as bronze. */
  private static Row bronze(int partition, long offset, String close, int fetchedSecond,
      Timestamp ingested) {
    try {
      ObjectNode message = (ObjectNode) JSON.readTree(
          MessageCodec.encode(candle("LINKUSDT", 1, close)));
      message.put("fetched_at", T0 + fetchedSecond * 1000L);
      return RowFactory.create("LINKUSDT", message.toString(), "md", partition, offset, ingested,
          new ArrayList<>(), ingested, new Date(ingested.getTime()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
