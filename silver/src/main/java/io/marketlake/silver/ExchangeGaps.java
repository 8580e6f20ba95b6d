package io.marketlake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import io.marketlake.common.MarketMessage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The exchange's {@code no_candles} answers → {@code silver/exchange_gaps}: ranges the exchange
 * said have no candle (maintenance windows, closed sessions). A candle that arrives later for a
 * minute inside such a range wins: the ledger counts the minute as present.
 */
final class ExchangeGaps {
  /** The quarantine rule a {@code no_candles} message without its fields fails. */
  static final String RULE = "no_candles_fields";
  private static final String FIELDS = "source IS NOT NULL AND symbol IS NOT NULL"
      + " AND interval IS NOT NULL AND open_time IS NOT NULL AND close_time IS NOT NULL"
      + " AND close_time >= open_time";

  private ExchangeGaps() {}

  /** Parsed rows of kind {@code no_candles}. Pure. */
  static Column isAnswer() {
    return col("kind").equalTo(MarketMessage.KIND_NO_CANDLES).and(col("_json_object"));
  }

  /** Answers the ledger can use; the rest go to quarantine under {@link #RULE}. Pure. */
  static Column isValidAnswer() {
    return isAnswer().and(col("schema_version").equalTo(1)).and(expr(FIELDS));
  }

  /**
   * Valid parsed answers → exchange_gaps rows, one per (source, symbol, interval, gap_start): the
   * widest range answered. Pure.
   */
  static Dataset<Row> toGapRows(Dataset<Row> parsed) {
    return parsed.filter(isValidAnswer())
        .select(col("source"), col("symbol"), col("interval"), col("open_time").as("gap_start"),
            expr("timestamp_millis(unix_millis(close_time) + 1)").as("gap_end_exclusive"),
            col("fetched_at"), col("ingest_time"))
        .withColumn("_rank", row_number().over(
            Window.partitionBy("source", "symbol", "interval", "gap_start")
                .orderBy(col("gap_end_exclusive").desc(), col("fetched_at").desc())))
        .filter(col("_rank").equalTo(1))
        .drop("_rank")
        .withColumn("silver_updated_at", current_timestamp())
        .select(SilverTables.EXCHANGE_GAPS.fieldNames()[0],
            java.util.Arrays.copyOfRange(SilverTables.EXCHANGE_GAPS.fieldNames(), 1,
                SilverTables.EXCHANGE_GAPS.fieldNames().length));
  }

  /** MERGEs gap rows: a new range, or a wider answer for a known start. Idempotent. */
  static void merge(SparkSession spark, String path, Dataset<Row> gapRows) {
    DeltaTable.forPath(spark, path).as("t")
        .merge(gapRows.as("s"), "t.source = s.source AND t.symbol = s.symbol"
            + " AND t.interval = s.interval AND t.gap_start = s.gap_start")
        .whenMatched("s.gap_end_exclusive > t.gap_end_exclusive").updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }
}
