package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.delta.tables.DeltaTable;
import io.marketlake.common.spark.DeltaCreate;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkLeases;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The live 5m view, {@code gold/candles_5m_live}: a Structured Streaming query over silver's
 * change feed that MERGEs each micro-batch's candles into their windows, keyed by (symbol,
 * window_start), so a window appears with its first candle and is {@code complete} once all five
 * minutes are in.
 *
 * <p>It reads inserts only: silver MERGEs, inserting each candle exactly once and updating it
 * afterwards, so the change feed's inserts are each candle once. (A plain Delta stream would fail
 * on silver's MERGE commits; {@code skipChangeCommits} would skip whole MERGE commits, new
 * candles included.) Because each candle comes once, a batch's partial window combines exactly
 * with the stored one: counts, volumes and trades add, high and low widen, and the open (close)
 * is that of the earlier (later) first (last) candle, by {@code first_open_time} and {@code
 * last_open_time}. Lateness is per symbol, i.e. there is none to cut: a symbol lagging hours
 * behind the others still lands every candle, and its windows stay {@code complete = false}
 * until their five minutes are there (a global watermark dropped them all). A replayed batch
 * changes nothing: the MERGE and the batch record are idempotent per (query, batch id). {@code
 * gold/candles_5m}, kept by the incremental batch job ({@link GoldJob}), stays the table of
 * record: it also applies silver's corrections, which this view (inserts only) does not see.
 */
public final class FiveMinuteStream {
  /** The streaming query's name, and its checkpoint's folder under the lakehouse. */
  public static final String QUERY = "gold_candles_5m_live";

  /**
   * {@code gold/candles_5m_live_batches}: one row per micro-batch of the query. {@code
   * late_candles}: candles that landed in a window an earlier batch had already written (a
   * lagging symbol or an out-of-order arrival), counted in, not dropped.
   */
  static final StructType BATCHES = new StructType()
      .add("run_id", DataTypes.StringType)
      .add("batch_id", DataTypes.LongType)
      .add("batch_time", DataTypes.TimestampType)
      .add("candles_read", DataTypes.LongType)
      .add("late_candles", DataTypes.LongType)
      .add("windows_written", DataTypes.LongType);

  static final String KEY = "t.symbol = s.symbol AND t.window_start = s.window_start";

  /** A stored window (t) and a batch's part of it (s) → the window over both. */
  static final Map<String, String> COMBINED = Map.ofEntries(
      Map.entry("open", "CASE WHEN s.first_open_time < t.first_open_time THEN s.open"
          + " ELSE t.open END"),
      Map.entry("high", "greatest(t.high, s.high)"),
      Map.entry("low", "least(t.low, s.low)"),
      Map.entry("close", "CASE WHEN s.last_open_time > t.last_open_time THEN s.close"
          + " ELSE t.close END"),
      Map.entry("volume", "t.volume + s.volume"),
      // Like SQL's sum: null only when every candle lacks the field (e.g. Yahoo's candles).
      Map.entry("quote_volume", "coalesce(t.quote_volume + s.quote_volume, t.quote_volume,"
          + " s.quote_volume)"),
      Map.entry("trades", "coalesce(t.trades + s.trades, t.trades, s.trades)"),
      Map.entry("candle_count", "t.candle_count + s.candle_count"),
      Map.entry("complete", "t.candle_count + s.candle_count = "
          + RollupWindow.FIVE_MINUTES.expectedCandles()),
      Map.entry("first_open_time", "least(t.first_open_time, s.first_open_time)"),
      Map.entry("last_open_time", "greatest(t.last_open_time, s.last_open_time)"),
      Map.entry("written_at", "s.written_at"));

  private final FiveMinuteStreamConfig config;

  public FiveMinuteStream(FiveMinuteStreamConfig config) {
    this.config = config;
  }

  /** Micro-batches of one query run after a given batch id, summed. */
  public record Result(long batches, long lastBatchId, long candlesRead, long lateCandles,
      long windowsWritten) {
    Result plus(Result later) {
      return new Result(batches + later.batches, later.lastBatchId,
          candlesRead + later.candlesRead, lateCandles + later.lateCandles,
          windowsWritten + later.windowsWritten);
    }
  }

  /**
   * Runs the query holding the {@code gold-5m} lease until it stops (available-now) or is
   * stopped (Ctrl-C, a lost lease); after every wait of one trigger interval, hands the
   * micro-batches finished since the last wait (each records itself in
   * gold/candles_5m_live_batches) to {@code progress}.
   *
   * @return every batch of the run, summed
   */
  public Result run(LayerContext ctx, Consumer<Result> progress) throws Exception {
    return SparkLeases.hold(ctx, LeasedJob.GOLD_5M, () -> runHoldingLease(ctx, progress));
  }

  private Result runHoldingLease(LayerContext ctx, Consumer<Result> progress) throws Exception {
    StreamingQuery query = start(ctx, config.trigger());
    long waitMillis = config.trigger() == null ? 10_000
        : Math.max(1_000, config.trigger().toMillis());
    Result total = new Result(0, -1, 0, 0, 0);
    boolean stopped;
    do {
      stopped = query.awaitTermination(waitMillis);
      Result since = batchesSince(ctx, query, total.lastBatchId());
      total = total.plus(since);
      if (since.batches() > 0 && !stopped) progress.accept(since);
    } while (!stopped);
    return total;
  }

  static String liveTable(Lakehouse lakehouse) {
    return lakehouse.goldCandles5mLive();
  }

  static String batchesTable(Lakehouse lakehouse) {
    return lakehouse.goldCandles5mLiveBatches();
  }

  /**
   * One batch's inserted 1m candles → its part of each 5m window they fall in, with the open
   * times of its first and last candle so a later part can be combined with it. Pure.
   */
  static Dataset<Row> windows(Dataset<Row> insertedCandles) {
    return insertedCandles
        .withColumn("window_start", expr(RollupWindow.FIVE_MINUTES.startOf("open_time")))
        .groupBy("symbol", "window_start")
        .agg(min(col("open_time")).as("first_open_time"), Stream.concat(
            Rollups.OHLCV.stream(), Stream.of(max(col("open_time")).as("last_open_time")))
            .toArray(Column[]::new))
        .select(col("symbol"), col("window_start"),
            expr("window_start + INTERVAL 5 MINUTES").as("window_end"),
            col("open"), col("high"), col("low"), col("close"),
            col("volume").cast(GoldSchema.VOLUME).as("volume"),
            col("quote_volume").cast(GoldSchema.VOLUME).as("quote_volume"), col("trades"),
            col("candle_count"),
            col("candle_count").equalTo(RollupWindow.FIVE_MINUTES.expectedCandles())
                .as("complete"),
            col("first_open_time"), col("last_open_time"),
            current_timestamp().as("written_at"));
  }

  /** Starts the query; {@code trigger} null means available-now (process, then stop). */
  public static StreamingQuery start(LayerContext ctx, Duration trigger) throws Exception {
    SparkSession spark = ctx.spark();
    Lakehouse lakehouse = ctx.tables();
    String silver = lakehouse.silverCandles1m();
    if (!DeltaTable.isDeltaTable(spark, silver)) {
      throw new UsageException("No silver table at " + silver + ": run silver first");
    }
    createTables(spark, lakehouse, spark.read().format("delta").load(silver).limit(0));
    Dataset<Row> inserted = spark.readStream().format("delta")
        .option("readChangeFeed", "true")
        .load(silver)
        .filter(col("_change_type").equalTo("insert"));
    return inserted
        .writeStream()
        .queryName(QUERY)
        .option("checkpointLocation", lakehouse.checkpoint(QUERY))
        .trigger(trigger == null ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(trigger.toMillis()))
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, batchId) ->
            mergeBatch(batch, batchId, lakehouse, spark))
        .start();
  }

  private static void createTables(SparkSession spark, Lakehouse lakehouse, Dataset<Row> silver) {
    String live = liveTable(lakehouse);
    if (DeltaTable.isDeltaTable(spark, live) && !List.of(DeltaTable.forPath(spark, live).toDF()
        .columns()).contains("first_open_time")) {
      throw new UsageException(live + " was written by the watermarked query of an earlier"
          + " version: delete it and " + lakehouse.checkpoint(QUERY) + " to rebuild it"
          + " from silver");
    }
    DeltaCreate.ifMissing(spark, live).addColumns(windows(silver).schema())
        .comment("Live 5m OHLCV per symbol from silver's inserted candles; complete once all"
            + " five minutes are in.")
        .execute();
    DeltaCreate.ifMissing(spark, batchesTable(lakehouse)).addColumns(BATCHES)
        .comment("One row per micro-batch of the live 5m query.")
        .execute();
  }

  /**
   * MERGEs one micro-batch into the live table and records it, under the run id of the query
   * that {@code owner} started. Idempotent per (query, batch id):
   * Spark replays a batch whose commit it did not record, and Delta skips a transaction it has
   * already committed.
   */
  static void mergeBatch(Dataset<Row> batch, long batchId, Lakehouse lakehouse,
      SparkSession owner) {
    SparkSession spark = batch.sparkSession();
    String queryId = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
    String appId = "marketlake-gold-5m-live-" + queryId;
    // The run id is not a local property of the batch: ask the session that started the query.
    StreamingQuery query = owner.streams().get(java.util.UUID.fromString(queryId));
    String runId = query == null ? null : query.runId().toString();
    Dataset<Row> parts = windows(batch).localCheckpoint(true);
    DeltaTable live = DeltaTable.forPath(spark, liveTable(lakehouse));
    Row counts = parts.agg(count(lit(1)), sum("candle_count"), min("window_start"),
        max("window_start")).first();
    long late = 0;
    if (counts.getLong(0) > 0) {
      // The range lets Delta skip the table's files outside the batch's windows.
      String range = "t.window_start >= TIMESTAMP '" + counts.getTimestamp(2).toInstant()
          + "' AND t.window_start <= TIMESTAMP '" + counts.getTimestamp(3).toInstant() + "'";
      Row written = parts.as("s").join(live.toDF().as("t"), expr(range + " AND " + KEY),
              "left_semi")
          .agg(sum("candle_count")).first();
      late = written.isNullAt(0) ? 0 : written.getLong(0);
      // The session is the query's own clone: these settings reach no other write.
      spark.conf().set("spark.databricks.delta.write.txnAppId", appId);
      spark.conf().set("spark.databricks.delta.write.txnVersion", String.valueOf(batchId));
      try {
        live.as("t")
            .merge(parts.as("s"), range + " AND " + KEY)
            .whenMatched().updateExpr(COMBINED)
            .whenNotMatched().insertAll()
            .execute();
      } finally {
        spark.conf().unset("spark.databricks.delta.write.txnAppId");
        spark.conf().unset("spark.databricks.delta.write.txnVersion");
      }
    }
    spark.createDataFrame(List.of(RowFactory.create(runId, batchId,
            new Timestamp(System.currentTimeMillis()),
            counts.isNullAt(1) ? 0L : counts.getLong(1), late, counts.getLong(0))), BATCHES)
        .write().format("delta").mode("append")
        .option("txnAppId", appId + "-batches").option("txnVersion", batchId)
        .save(batchesTable(lakehouse));
  }

  /**
   * The micro-batches of {@code query}'s current run after {@code afterBatchId}, as recorded in
   * {@code gold/candles_5m_live_batches} by the batches themselves.
   */
  public static Result batchesSince(LayerContext ctx, StreamingQuery query, long afterBatchId) {
    Row r = ctx.spark().read().format("delta").load(batchesTable(ctx.tables()))
        .filter(col("run_id").equalTo(query.runId().toString())
            .and(col("batch_id").gt(afterBatchId)))
        .agg(count(lit(1)), max("batch_id"), sum("candles_read"), sum("late_candles"),
            sum("windows_written"))
        .first();
    if (r.getLong(0) == 0) return new Result(0, afterBatchId, 0, 0, 0);
    return new Result(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
  }
}
