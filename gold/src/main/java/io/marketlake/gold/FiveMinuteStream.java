package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The live 5m view, {@code gold/candles_5m_live}: a Structured Streaming query over silver's
 * change feed with event-time windows and a watermark, so a window appears as soon as the
 * watermark passes its end instead of at the next batch run.
 *
 * <p>It reads inserts only: silver MERGEs, inserting each candle exactly once and updating it
 * afterwards, so the change feed's inserts are each candle once. (A plain Delta stream would fail
 * on silver's MERGE commits; {@code skipChangeCommits} would skip whole MERGE commits, new
 * candles included.) A candle whose {@code open_time} is at or behind the watermark (the newest
 * {@code open_time} seen, less the allowed delay) is late: it is left out of the live table and
 * counted, per micro-batch, in {@code gold/candles_5m_live_batches}. {@code gold/candles_5m},
 * kept by the incremental batch job ({@link GoldJob}), stays the table of record: it recomputes
 * every window a late candle or a correction touched.
 */
public final class FiveMinuteStream {
  static final String CHECKPOINT = "gold_candles_5m_live";
  static final String INPUT_METRIC = "live_5m_input";
  static final String OUTPUT_METRIC = "live_5m_output";

  /** {@code gold/candles_5m_live_batches}: one row per micro-batch of the query. */
  static final StructType BATCHES = new StructType()
      .add("run_id", DataTypes.StringType)
      .add("batch_id", DataTypes.LongType)
      .add("batch_time", DataTypes.TimestampType)
      .add("watermark", DataTypes.TimestampType)
      .add("candles_read", DataTypes.LongType)
      .add("late_candles", DataTypes.LongType)
      .add("windows_written", DataTypes.LongType);

  private FiveMinuteStream() {}

  /** Micro-batches recorded by one {@link #recordBatches} call, summed. */
  public record Result(long batches, long lastBatchId, long candlesRead, long lateCandles,
      long windowsWritten) {}

  static String liveTable(Lakehouse lakehouse) {
    return lakehouse.goldCandles5mLive();
  }

  static String batchesTable(Lakehouse lakehouse) {
    return lakehouse.goldCandles5mLiveBatches();
  }

  /** Inserted 1m candles → finished 5m windows, each emitted once. Pure. */
  static Dataset<Row> windows(Dataset<Row> insertedCandles, Duration watermark) {
    DataType price = insertedCandles.schema().apply("open").dataType();
    return insertedCandles
        .select(col("symbol"), col("open_time").as("openTime"), col("open"), col("high"),
            col("low"), col("close"), col("volume"), col("quote_volume").as("quoteVolume"),
            col("trades"))
        .observe(INPUT_METRIC, count(lit(1)).as("candles"))
        .withWatermark("openTime", watermark.toSeconds() + " seconds")
        .as(Encoders.bean(LiveWindowAssembler.Candle.class))
        .groupByKey((MapFunction<LiveWindowAssembler.Candle, String>)
            LiveWindowAssembler.Candle::getSymbol, Encoders.STRING())
        .flatMapGroupsWithState(new LiveWindowAssembler(), OutputMode.Append(),
            Encoders.bean(LiveWindowAssembler.OpenCandles.class),
            Encoders.bean(LiveWindowAssembler.Window.class), GroupStateTimeout.EventTimeTimeout())
        .select(col("symbol"), col("windowStart").as("window_start"),
            expr("windowStart + INTERVAL 5 MINUTES").as("window_end"),
            col("open").cast(price).as("open"), col("high").cast(price).as("high"),
            col("low").cast(price).as("low"), col("close").cast(price).as("close"),
            col("volume").cast(GoldSchema.VOLUME).as("volume"),
            col("quoteVolume").cast(GoldSchema.VOLUME).as("quote_volume"),
            col("trades"), col("candleCount").as("candle_count"),
            col("candleCount").equalTo(RollupWindow.FIVE_MINUTES.expectedCandles())
                .as("complete"),
            current_timestamp().as("written_at"))
        .observe(OUTPUT_METRIC, count(lit(1)).as("windows"));
  }

  /** Starts the query; {@code trigger} null means available-now (process, then stop). */
  public static StreamingQuery start(SparkSession spark, Lakehouse lakehouse,
      Duration watermark, Duration trigger) throws Exception {
    String silver = lakehouse.silverCandles1m();
    if (!DeltaTable.isDeltaTable(spark, silver)) {
      throw new UsageException("No silver table at " + silver + ": run silver first");
    }
    Dataset<Row> inserted = spark.readStream().format("delta")
        .option("readChangeFeed", "true")
        .load(silver)
        .filter(col("_change_type").equalTo("insert"));
    return windows(inserted, watermark)
        .writeStream()
        .format("delta")
        .queryName("gold_candles_5m_live")
        .outputMode("append")
        .option("checkpointLocation", lakehouse.checkpoint(CHECKPOINT))
        .trigger(trigger == null ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(trigger.toMillis()))
        .start(liveTable(lakehouse));
  }

  /**
   * Appends the query's micro-batches after {@code afterBatchId} to {@code
   * gold/candles_5m_live_batches}: candles read, late candles (Spark's own count of rows the
   * watermark dropped, one per candle: the stateful operator drops them before grouping) and
   * windows written. Called by the driver between waits, so the record never depends on a
   * listener thread; a query keeps its last 100 progress reports, far more than one wait sees.
   */
  public static Result recordBatches(SparkSession spark, Lakehouse lakehouse,
      StreamingQuery query, long afterBatchId) {
    List<Row> rows = new ArrayList<>();
    long last = afterBatchId;
    long read = 0;
    long late = 0;
    long written = 0;
    for (StreamingQueryProgress p : query.recentProgress()) {
      if (p.batchId() <= afterBatchId) continue;
      long batchRead = observed(p, INPUT_METRIC);
      long batchLate = 0;
      for (StateOperatorProgress op : p.stateOperators()) batchLate += op.numRowsDroppedByWatermark();
      long batchWritten = observed(p, OUTPUT_METRIC);
      String watermark = p.eventTime().get("watermark");
      rows.add(RowFactory.create(p.runId().toString(), p.batchId(),
          Timestamp.from(Instant.parse(p.timestamp())),
          watermark == null ? null : Timestamp.from(Instant.parse(watermark)), batchRead,
          batchLate, batchWritten));
      last = Math.max(last, p.batchId());
      read += batchRead;
      late += batchLate;
      written += batchWritten;
    }
    if (!rows.isEmpty()) {
      spark.createDataFrame(rows, BATCHES).write().format("delta").mode("append")
          .save(batchesTable(lakehouse));
    }
    return new Result(rows.size(), last, read, late, written);
  }

  private static long observed(StreamingQueryProgress p, String name) {
    Row metric = p.observedMetrics().get(name);
    return metric == null || metric.isNullAt(0) ? 0 : metric.getLong(0);
  }
}
