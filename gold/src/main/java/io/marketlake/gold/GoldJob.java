package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.marketlake.common.spark.DeltaCreate;
import io.marketlake.common.UsageException;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.DeltaCommits;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkLeases;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Silver → gold: rollups and the daily-change table kept fresh incrementally from silver's change
 * data feed, and the features table.
 *
 * <p>Each micro-batch of silver changes yields the (symbol, window) pairs it touches; only those
 * windows are recomputed, from silver, and MERGEd, and only the touched symbols' daily change. The
 * streaming checkpoint records which silver versions are done, and recomputing from silver is
 * idempotent, so a retried batch is harmless. An available-now run is one query that does it all
 * and then rewrites the features. A run that keeps going ({@link GoldConfig#trigger()}) is two
 * queries, each with its own checkpoint: {@value #FIVE_MINUTE_QUERY} keeps the 5m table on the
 * trigger, and {@value #QUERY} the 1h and 1d tables, the daily change and the features (every
 * {@link GoldConfig#featuresEvery()}) on the slower {@link GoldConfig#rollupsEvery()}: a 5m
 * window then waits for one MERGE, not four, while the coarser tables change little per minute.
 * One driver still owns every gold table.
 */
public final class GoldJob {
  /**
   * The query of the 1h and 1d rollups, the daily change and the features (of all the rollups in
   * an available-now run), and its checkpoint's folder under the lakehouse.
   */
  public static final String QUERY = "gold_rollups";
  /** With a trigger, the query of the 5m rollups, and its checkpoint's folder. */
  public static final String FIVE_MINUTE_QUERY = "gold_rollups_5m";
  private static final Set<RollupWindow> COARSE =
      EnumSet.of(RollupWindow.ONE_HOUR, RollupWindow.ONE_DAY);

  private final GoldConfig config;
  /** The lakehouse whose tables this job has made sure of, or null. */
  private String tablesCreatedIn;
  private final Map<RollupWindow, Long> windowsMerged = new EnumMap<>(RollupWindow.class);
  private final java.util.concurrent.atomic.AtomicLong changesRead =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong featureRows =
      new java.util.concurrent.atomic.AtomicLong();
  /** When the features were last rewritten (System.nanoTime), or null: not yet in this run. */
  private volatile Long featuresWrittenAt;

  public GoldJob(GoldConfig config) {
    this.config = config;
    for (RollupWindow w : RollupWindow.values()) windowsMerged.put(w, 0L);
  }

  /**
   * Runs until silver's changes present at the start are in gold and the features are rewritten
   * (available-now), or until the queries are stopped (a processing-time trigger).
   */
  public GoldResult run(LayerContext ctx) throws Exception {
    return SparkLeases.hold(ctx, io.marketlake.common.lease.LeasedJob.GOLD,
        () -> runHoldingLease(ctx));
  }

  private GoldResult runHoldingLease(LayerContext ctx) throws Exception {
    long started = System.nanoTime();
    List<StreamingQuery> queries = config.trigger() == null ? List.of(start(ctx))
        : List.of(startFiveMinutes(ctx), start(ctx));
    awaitAll(queries);
    if (config.trigger() == null) writeFeatures(ctx.spark(), ctx.tables());
    return result(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Waits until every query ended; one failing stops the others, and its error is thrown. */
  private static void awaitAll(List<StreamingQuery> queries) throws Exception {
    while (queries.stream().anyMatch(StreamingQuery::isActive)) {
      for (StreamingQuery q : queries) {
        if (!q.isActive() && q.exception().isDefined()) {
          for (StreamingQuery other : queries) other.stop();
        }
        q.awaitTermination(500);
      }
    }
    for (StreamingQuery q : queries) q.awaitTermination();   // throws the failure, if any
  }

  /** What the job did so far. */
  public synchronized GoldResult result(long millis) {
    return new GoldResult(changesRead.get(), Map.copyOf(windowsMerged), featureRows.get(),
        millis);
  }

  /**
   * Creates the tables if missing and starts {@value #QUERY} without waiting for it: every rollup
   * and the daily change (available-now), or with a trigger the 1h and 1d rollups, the daily
   * change and the features every {@link GoldConfig#rollupsEvery()}; the 5m rollups are then
   * {@link #startFiveMinutes}'s.
   */
  public StreamingQuery start(LayerContext ctx) throws Exception {
    createTables(ctx);
    boolean live = config.trigger() != null;
    Set<RollupWindow> windows = live ? COARSE : EnumSet.allOf(RollupWindow.class);
    Lakehouse tables = ctx.tables();
    SparkSession spark = ctx.spark();
    return changeFeed(ctx, QUERY, live ? config.rollupsEvery() : null, (changes, batchId) -> {
      Map<String, Timestamp> newest = mergeTouchedWindows(spark, tables, changes, windows);
      updateDailyChange(spark, tables, newest);
      if (live && featuresDue()) writeFeatures(spark, tables);
    });
  }

  /**
   * With a trigger: creates the tables if missing and starts {@value #FIVE_MINUTE_QUERY}, which
   * keeps the 5m rollups on {@link GoldConfig#trigger()}, without waiting for it.
   */
  public StreamingQuery startFiveMinutes(LayerContext ctx) throws Exception {
    if (config.trigger() == null) {
      throw new IllegalStateException("the 5m query is separate only with a trigger");
    }
    createTables(ctx);
    Lakehouse tables = ctx.tables();
    SparkSession spark = ctx.spark();
    return changeFeed(ctx, FIVE_MINUTE_QUERY, config.trigger(), (changes, batchId) ->
        mergeTouchedWindows(spark, tables, changes, EnumSet.of(RollupWindow.FIVE_MINUTES)));
  }

  private static StreamingQuery changeFeed(LayerContext ctx, String name, Duration trigger,
      VoidFunction2<Dataset<Row>, Long> batch) throws Exception {
    return ctx.spark().readStream().format("delta")
        .option("readChangeFeed", "true")
        .load(ctx.tables().silverCandles1m())
        .writeStream()
        .queryName(name)
        .option("checkpointLocation", ctx.tables().checkpoint(name))
        .trigger(trigger == null ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(trigger.toMillis()))
        .foreachBatch(batch)
        .start();
  }

  /**
   * Once per job and lakehouse: {@link #start} and {@link #startFiveMinutes} both need the
   * tables, and a create's existence checks read every table's log.
   */
  private synchronized void createTables(LayerContext ctx) {
    if (ctx.tables().root().equals(tablesCreatedIn)) return;
    createTablesIfMissing(ctx);
    tablesCreatedIn = ctx.tables().root();
  }

  private static void createTablesIfMissing(LayerContext ctx) {
    SparkSession spark = ctx.spark();
    Lakehouse tables = ctx.tables();
    String silver = tables.silverCandles1m();
    if (!DeltaTable.isDeltaTable(spark, silver)) {
      throw new UsageException("No silver table at " + silver + ": run silver first");
    }
    for (RollupWindow w : RollupWindow.values()) {
      String table = tables.goldCandles(w.label());
      Dataset<Row> empty = Rollups.rollup(spark.read().format("delta").load(silver).limit(0), w);
      DeltaCreate.ifMissing(spark, table).addColumns(empty.schema())
          .comment(w.label() + " OHLCV candles per symbol, rolled up from silver 1m candles.")
          .property("delta.enableChangeDataFeed", "true")
          .execute();
    }
    DeltaCreate.ifMissing(spark, tables.goldDailyChange())
        .addColumns(DailyChange.compute(spark.read().format("delta").load(silver).limit(0))
            .schema())
        .comment("Last price and rolling 24 hours per symbol, as of its newest candle.")
        .execute();
  }

  private boolean featuresDue() {
    Long last = featuresWrittenAt;
    return last == null || System.nanoTime() - last >= config.featuresEvery().toNanos();
  }

  /** Rewrites the features table from all of silver. */
  private void writeFeatures(SparkSession spark, Lakehouse tables) {
    Dataset<Row> candles = spark.read().format("delta").load(tables.silverCandles1m());
    Features.compute(candles, config.horizonMinutes())
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true")
        .save(tables.goldFeatures());
    Row commit = DeltaTable.forPath(spark, tables.goldFeatures()).history(1).first();
    featureRows.set(DeltaCommits.metric(commit, "numOutputRows"));
    featuresWrittenAt = System.nanoTime();
  }

  /**
   * Recomputes the daily-change row of every symbol a change touched, from the candles after its
   * newest change less 24 hours (which hold the symbol's newest 24 hours, whatever its newest
   * candle), and MERGEs it; the other symbols' rows are left alone.
   */
  private void updateDailyChange(SparkSession spark, Lakehouse tables,
      Map<String, Timestamp> newestChange) {
    if (newestChange.isEmpty()) return;
    long since = newestChange.values().stream().mapToLong(Timestamp::getTime).min().getAsLong()
        - RollupWindow.ONE_DAY.seconds() * 1000;
    // The time filter lets Delta skip every file older than the earliest window.
    Dataset<Row> recent = spark.read().format("delta").load(tables.silverCandles1m())
        .filter(col("open_time").gt(lit(new Timestamp(since)))
            .and(col("symbol").isin(newestChange.keySet().toArray())));
    DeltaTable.forPath(spark, tables.goldDailyChange()).as("t")
        .merge(DailyChange.compute(recent).as("s"), "t.symbol = s.symbol")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
  }

  private static Timestamp later(Timestamp a, Timestamp b) {
    return a.after(b) ? a : b;
  }

  /**
   * Recomputes and MERGEs every window of {@code windows}' granularities that a batch of silver
   * changes touches.
   *
   * @return per touched symbol, the newest open_time among the changes
   */
  Map<String, Timestamp> mergeTouchedWindows(SparkSession spark, Lakehouse tables,
      Dataset<Row> changes, Set<RollupWindow> windows) throws Exception {
    Map<String, Timestamp> newestChange = new java.util.HashMap<>();
    Dataset<Row> changed = changes
        .filter(col("_change_type").isin("insert", "update_postimage"))
        .select("symbol", "open_time")
        .persist();
    try {
      // One small job: per symbol, the changes' time range and count.
      long count = 0;
      Timestamp oldest = null;
      for (Row r : changed.groupBy("symbol").agg(min("open_time"), max("open_time"),
          org.apache.spark.sql.functions.count(lit(1))).collectAsList()) {
        newestChange.put(r.getString(0), r.getTimestamp(2)); // one row per symbol
        oldest = oldest == null || r.getTimestamp(1).before(oldest) ? r.getTimestamp(1) : oldest;
        count += r.getLong(3);
      }
      if (count == 0) return newestChange;
      // Counted once, by the query of the 5m rollups, which sees every change.
      if (windows.contains(RollupWindow.FIVE_MINUTES)) changesRead.addAndGet(count);
      Timestamp newestOfAll = newestChange.values().stream().reduce(GoldJob::later).orElseThrow();
      // Every touched finer window lies in a touched window of the coarsest granularity: read
      // silver once, for those, and derive every rollup from that one checkpointed slice.
      RollupWindow coarsest = Collections.max(windows);
      Timestamp from = floor(oldest, coarsest);
      Timestamp until = new Timestamp(floor(newestOfAll, coarsest).getTime()
          + coarsest.seconds() * 1000);
      Dataset<Row> touchedCoarsest = Rollups.touchedWindows(changed, coarsest);
      Dataset<Row> affected = Rollups.candlesIn(
          spark.read().format("delta").load(tables.silverCandles1m()),
          touchedCoarsest, coarsest, from, until).localCheckpoint(true);
      if (windows.size() == 1) {
        // The live 5m query: one MERGE, on the stream's own thread.
        RollupWindow w = windows.iterator().next();
        long merged = mergeWindows(spark, tables.goldCandles(w.label()), changed, affected, w,
            from, until);
        synchronized (this) {
          windowsMerged.merge(w, merged, Long::sum);
        }
        return newestChange;
      }
      // The tables are independent: MERGE them concurrently.
      ExecutorService pool = Executors.newFixedThreadPool(windows.size());
      try {
        Map<RollupWindow, Future<Long>> merges = new EnumMap<>(RollupWindow.class);
        for (RollupWindow w : windows) {
          merges.put(w, pool.submit(() -> mergeWindows(spark, tables.goldCandles(w.label()),
              changed, affected, w, from, until)));
        }
        for (Map.Entry<RollupWindow, Future<Long>> m : merges.entrySet()) {
          long merged = m.getValue().get();
          synchronized (this) {
            windowsMerged.merge(m.getKey(), merged, Long::sum);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    } finally {
      changed.unpersist();
    }
    return newestChange;
  }

  /** Recomputes one granularity's touched windows and MERGEs them; returns how many. */
  private long mergeWindows(SparkSession spark, String rollupTable, Dataset<Row> changed,
      Dataset<Row> affected, RollupWindow w, Timestamp from, Timestamp until) {
    Dataset<Row> touched = Rollups.touchedWindows(changed, w);
    Dataset<Row> recomputed =
        Rollups.rollup(Rollups.candlesIn(affected, touched, w, from, until), w);
    // The range on the target lets Delta skip every file of the table outside the touched days:
    // the MERGE's cost follows the change, not the table's size.
    DeltaCommits.MergeCounts merged = DeltaCommits.merged(
        DeltaTable.forPath(spark, rollupTable).as("t")
        .merge(recomputed.as("s"), "t.window_start >= TIMESTAMP '" + from.toInstant()
            + "' AND t.window_start < TIMESTAMP '" + until.toInstant() + "'"
            + " AND t.symbol = s.symbol AND t.window_start = s.window_start")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute());
    // Every recomputed window either replaced its row or was inserted: counted by the MERGE
    // itself rather than by another pass over the data.
    return merged.affected();
  }

  private static Timestamp floor(Timestamp t, RollupWindow w) {
    long size = w.seconds() * 1000;
    return new Timestamp(Math.floorDiv(t.getTime(), size) * size);
  }

  /** What one run did. */
  public record GoldResult(long silverChangesRead, Map<RollupWindow, Long> windowsMerged,
      long featureRows, long millis) {}
}
