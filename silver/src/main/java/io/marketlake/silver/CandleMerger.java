package io.marketlake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;

import io.delta.tables.DeltaTable;
import io.marketlake.common.spark.DeltaCommits;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Deduplicates candles and MERGEs them into silver so that the newest version of each candle wins.
 *
 * <p>A version is newer when the exchange answered later ({@code fetched_at}: a candle fetched
 * after its close is final, one fetched while it was forming is not); then, between versions of
 * one fetch, when it reached bronze later ({@code ingest_time}); then by Kafka partition and
 * offset, which orders versions in production order only within one partition and is therefore
 * the last tie-break, never the first. A version without {@code fetched_at} counts as older than
 * any with one. The MERGE updates a row only for a strictly newer version, so replaying a batch,
 * or the whole of bronze, changes nothing, and an older fetch that reaches bronze late never
 * replaces a newer one already in silver.
 */
final class CandleMerger {
  /** The version order, most significant first; every column is "higher is newer". */
  static final List<String> VERSION_ORDER =
      List.of("fetched_at", "ingest_time", "kafka_partition", "kafka_offset");

  /** Source row {@code s} is a strictly newer version than target row {@code t}. */
  static final String NEWER = newer(0);

  private CandleMerger() {}

  private static String newer(int i) {
    String s = version("s", VERSION_ORDER.get(i));
    String t = version("t", VERSION_ORDER.get(i));
    if (i == VERSION_ORDER.size() - 1) return s + " > " + t;
    return s + " > " + t + " OR (" + s + " = " + t + " AND (" + newer(i + 1) + "))";
  }

  /** A version column of {@code alias}, never null: a missing fetch time sorts oldest. */
  private static String version(String alias, String column) {
    return column.equals("fetched_at")
        ? "coalesce(" + alias + ".fetched_at, TIMESTAMP '1970-01-01 00:00:00')"
        : alias + "." + column;
  }

  /** Keeps one row per (symbol, interval, open_time): the newest version. Pure. */
  static Dataset<Row> latestPerCandle(Dataset<Row> candles) {
    return candles
        .withColumn("_version_rank", row_number().over(
            Window.partitionBy("symbol", "interval", "open_time")
                .orderBy(VERSION_ORDER.stream().map(c -> col(c).desc_nulls_last())
                    .toArray(org.apache.spark.sql.Column[]::new))))
        .filter(col("_version_rank").equalTo(1))
        .drop("_version_rank");
  }

  /** Parsed, accepted rows → the silver candle columns. Pure. */
  static Dataset<Row> toSilverRows(Dataset<Row> accepted) {
    return accepted
        .withColumn("silver_updated_at", current_timestamp())
        .withColumn("open_date", to_date(col("open_time")))
        .select(SilverTables.CANDLES.fieldNames()[0],
            java.util.Arrays.copyOfRange(SilverTables.CANDLES.fieldNames(), 1,
                SilverTables.CANDLES.fieldNames().length));
  }

  /**
   * MERGEs deduplicated silver rows into the table at {@code path}.
   *
   * @param days the {@code open_date}s present in the rows (ISO dates): only those partitions
   *     of the table are read
   */
  static MergeCounts merge(SparkSession spark, String path, Dataset<Row> silverRows,
      List<String> days) {
    if (days.isEmpty()) return new MergeCounts(0, 0);
    String dayFilter = days.stream().map(d -> "DATE'" + d + "'")
        .collect(Collectors.joining(", ", "t.open_date IN (", ")"));
    DeltaCommits.MergeCounts merged = DeltaCommits.merged(DeltaTable.forPath(spark, path).as("t")
        .merge(silverRows.as("s"),
            dayFilter + " AND t.symbol = s.symbol AND t.interval = s.interval"
                + " AND t.open_time = s.open_time")
        .whenMatched(NEWER).updateAll()
        .whenNotMatched().insertAll()
        .execute());
    // The MERGE says what it did: no second pass over the data to count it.
    return new MergeCounts(merged.inserted(), merged.updated());
  }

  /** Rows a MERGE inserted and updated. */
  record MergeCounts(long inserted, long updated) {}
}
