package io.marketlake.silver;

import io.delta.tables.DeltaTable;
import io.marketlake.common.spark.DeltaCreate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The silver tables, created on first use with explicit schemas and properties. Silver candles
 * carry the change data feed (gold reads only what changed) and are partitioned by day, which is
 * also what lets a MERGE touch only the days present in a batch.
 */
final class SilverTables {
  static final StructType CANDLES = new StructType()
      .add("symbol", DataTypes.StringType, false)
      .add("interval", DataTypes.StringType, false)
      .add("open_time", DataTypes.TimestampType, false)
      .add("close_time", DataTypes.TimestampType)
      .add("open", CandleSchema.AMOUNT)
      .add("high", CandleSchema.AMOUNT)
      .add("low", CandleSchema.AMOUNT)
      .add("close", CandleSchema.AMOUNT)
      .add("volume", CandleSchema.AMOUNT)
      .add("quote_volume", CandleSchema.AMOUNT)
      .add("trades", DataTypes.LongType)
      .add("taker_buy_volume", CandleSchema.AMOUNT)
      .add("taker_buy_quote_volume", CandleSchema.AMOUNT)
      .add("source", DataTypes.StringType)
      .add("fetched_at", DataTypes.TimestampType)
      .add("kafka_topic", DataTypes.StringType)
      .add("kafka_partition", DataTypes.IntegerType)
      .add("kafka_offset", DataTypes.LongType)
      .add("ingest_time", DataTypes.TimestampType)
      .add("_rescued_data", DataTypes.StringType)
      .add("silver_updated_at", DataTypes.TimestampType)
      .add("open_date", DataTypes.DateType);

  static final StructType QUARANTINE = new StructType()
      .add("failed_rules", DataTypes.createArrayType(DataTypes.StringType))
      .add("symbol", DataTypes.StringType)
      .add("open_time", DataTypes.TimestampType)
      .add("value", DataTypes.StringType)
      .add("key", DataTypes.StringType)
      .add("kafka_topic", DataTypes.StringType)
      .add("kafka_partition", DataTypes.IntegerType)
      .add("kafka_offset", DataTypes.LongType)
      .add("ingest_time", DataTypes.TimestampType)
      .add("run_id", DataTypes.StringType)
      .add("batch_id", DataTypes.LongType)
      .add("quarantined_at", DataTypes.TimestampType);

  static final StructType QUALITY_METRICS = new StructType()
      .add("run_id", DataTypes.StringType)
      .add("batch_id", DataTypes.LongType)
      .add("table_name", DataTypes.StringType)
      .add("rule", DataTypes.StringType)
      .add("condition", DataTypes.StringType)
      .add("action", DataTypes.StringType)
      .add("rows_evaluated", DataTypes.LongType)
      .add("rows_passed", DataTypes.LongType)
      .add("rows_failed", DataTypes.LongType)
      .add("measured_at", DataTypes.TimestampType);

  /** The exchange's answers that a closed range has no candles ({@code kind = no_candles}). */
  static final StructType EXCHANGE_GAPS = new StructType()
      .add("source", DataTypes.StringType)
      .add("symbol", DataTypes.StringType)
      .add("interval", DataTypes.StringType)
      .add("gap_start", DataTypes.TimestampType)
      .add("gap_end_exclusive", DataTypes.TimestampType)
      .add("fetched_at", DataTypes.TimestampType)
      .add("ingest_time", DataTypes.TimestampType)
      .add("silver_updated_at", DataTypes.TimestampType);

  static final StructType MISSING_RANGE = new StructType()
      .add("start", DataTypes.TimestampType)
      .add("end_exclusive", DataTypes.TimestampType);

  /** One row per source, symbol and UTC day of the symbol's tracked span. */
  static final StructType COMPLETENESS = new StructType()
      .add("source", DataTypes.StringType)
      .add("symbol", DataTypes.StringType)
      .add("day", DataTypes.DateType)
      .add("tracked_from", DataTypes.TimestampType)
      .add("tracked_until", DataTypes.TimestampType)
      .add("tracked_minutes", DataTypes.LongType)
      .add("expected_minutes", DataTypes.LongType)
      .add("present_minutes", DataTypes.LongType)
      .add("exchange_none_minutes", DataTypes.LongType)
      .add("missing_minutes", DataTypes.LongType)
      .add("missing_ranges", DataTypes.createArrayType(MISSING_RANGE))
      .add("updated_at", DataTypes.TimestampType)
      // The version of silver/candles_1m the row's flush saw: how the ledger knows after a crash
      // which silver commits it has not seen.
      .add("silver_version", DataTypes.LongType);

  private SilverTables() {}

  static void createLedgerIfMissing(SparkSession spark, String exchangeGaps,
      String completeness) {
    DeltaCreate.ifMissing(spark, exchangeGaps)
        .addColumns(EXCHANGE_GAPS)
        .comment("Ranges the exchange answered as having no candles, one row per (source,"
            + " symbol, interval, gap_start) with the widest end answered.")
        .execute();
    if (DeltaTable.isDeltaTable(spark, completeness)) {
      // A ledger from before silver_version: add the column (null: the ledger catches up).
      if (!List.of(DeltaTable.forPath(spark, completeness).toDF().columns())
          .contains("silver_version")) {
        spark.sql("ALTER TABLE delta.`" + completeness + "` ADD COLUMNS (silver_version BIGINT)");
      }
      return;
    }
    DeltaCreate.ifMissing(spark, completeness)
        .addColumns(COMPLETENESS)
        .comment("The completeness ledger: per source, symbol and UTC day, the minutes expected,"
            + " present, answered empty by the exchange, and missing (with their ranges).")
        .execute();
  }

  static void createIfMissing(SparkSession spark, String candles, String quarantine,
      String metrics) {
    DeltaCreate.ifMissing(spark, candles)
        .addColumns(CANDLES)
        .partitionedBy("open_date")
        .comment("One row per (symbol, interval, open_time): the newest version of each candle.")
        .property("delta.enableChangeDataFeed", "true")
        .property("delta.autoOptimize.optimizeWrite", "true")
        .property("delta.checkpointInterval", "20")
        .execute();
    DeltaCreate.ifMissing(spark, quarantine)
        .addColumns(QUARANTINE)
        .comment("Rows refused by a quarantine rule, with their bronze coordinates.")
        .execute();
    DeltaCreate.ifMissing(spark, metrics)
        .addColumns(QUALITY_METRICS)
        .comment("Per-rule pass/fail counts of every silver micro-batch.")
        .execute();
  }
}
