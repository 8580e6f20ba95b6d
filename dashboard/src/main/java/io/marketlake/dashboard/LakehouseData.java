package io.marketlake.dashboard;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.common.spark.LakehouseSpark;
import io.marketlake.common.spark.DeltaCommits;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.gold.Predictions;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@link DashboardData} read from the lakehouse's tables through one long-lived Spark session:
 * no session per request, and the server's cache bounds how often each query runs. Candles,
 * predictions and freshness are read again only when a table they come from has a new commit
 * (its log's version, checked without a Spark job): a page watched over a quiet table, or
 * polled faster than the layers commit, costs no Spark job. Queries run in the {@code dashboard}
 * scheduler pool, so that under {@code live} they do not queue behind the layers' jobs.
 */
public final class LakehouseData implements DashboardData {
  static final String POOL = "dashboard";

  private final SparkSession spark;
  private final Lakehouse tables;
  private final ExchangeTimeline timeline;

  public LakehouseData(LayerContext ctx, ExchangeTimeline timeline) {
    this.spark = ctx.spark();
    this.tables = ctx.tables();
    this.timeline = timeline;
  }

  /** A value recomputed at most every {@link #SLOW_PARTS_EVERY}. */
  private static final class Memo<T> {
    private T value;
    private long at;

    synchronized T get(java.util.function.Supplier<T> compute) {
      long now = System.nanoTime();
      if (value == null || now - at > SLOW_PARTS_EVERY.toNanos()) {
        value = compute.get();
        at = now;
      }
      return value;
    }
  }

  /**
   * Quality, models and the symbol list change slowly and cost the most to read: they are read
   * at most this often; freshness is read on every overview.
   */
  static final java.time.Duration SLOW_PARTS_EVERY = java.time.Duration.ofSeconds(10);
  /** An answer and the versions of the tables it was read from. */
  private record Versioned(List<Long> versions, Object value) {}

  private final Map<String, Versioned> sinceCommit = new ConcurrentHashMap<>();

  /**
   * {@code read}'s answer, read again only when one of {@code tablesRead} has a commit newer than
   * those the kept answer saw. The versions are taken before the read: a commit landing during it
   * makes the next call read again, never serves an answer older than its versions say.
   */
  @SuppressWarnings("unchecked")
  private <T> T untilCommit(String key, List<String> tablesRead, Supplier<T> read) {
    List<Long> versions = tablesRead.stream()
        .map(table -> DeltaCommits.latestVersion(spark, table)).toList();
    Versioned kept = sinceCommit.get(key);
    if (kept != null && kept.versions().equals(versions)) return (T) kept.value();
    T value = read.get();
    sinceCommit.put(key, new Versioned(versions, value));
    return value;
  }

  private final Memo<List<String>> symbolList = new Memo<>();
  private final Memo<Quality> qualityMemo = new Memo<>();
  private final Memo<List<ModelRun>> modelList = new Memo<>();
  private final Memo<Optional<HitRate>> hitRateMemo = new Memo<>();

  @Override
  public Overview overview() {
    pool();
    List<String> symbols = symbolList.get(this::symbols);
    List<Freshness> freshness = List.of(
        freshness("silver", "silver/candles_1m", tables.silverCandles1m(),
            t -> t.selectExpr("unix_millis(max(open_time)) + 60000")),
        freshness("gold 5m", "gold/candles_5m", tables.goldCandles("5m"),
            t -> t.filter(col("complete")).selectExpr("unix_millis(max(window_end))")),
        freshness("predictions", "gold/trend_predictions", tables.goldPredictions(),
            t -> t.selectExpr("unix_millis(max(as_of)) + 60000")));
    List<ModelRun> models = modelList.get(this::models);
    HitRate hits = hitRateMemo.get(() -> models.isEmpty() ? Optional.empty()
        : Optional.of(hitRate(models.get(0)))).orElse(null);
    return new Overview(System.currentTimeMillis(), symbols, freshness,
        qualityMemo.get(this::quality), models, hits);
  }

  @Override
  public Candles candles(String symbol, String interval, int limit) {
    pool();
    boolean minute = interval.equals("1m");
    String table = minute ? tables.silverCandles1m() : tables.goldCandles(interval);
    return untilCommit("candles/" + symbol + "/" + interval + "/" + limit, List.of(table),
        () -> readCandles(table, minute ? "open_time" : "window_start", symbol, interval, limit));
  }

  private Candles readCandles(String table, String time, String symbol, String interval,
      int limit) {
    if (!isTable(table)) return new Candles(symbol, interval, List.of());
    List<double[]> rows = new ArrayList<>();
    for (Row r : read(table).filter(col("symbol").equalTo(symbol))
        .orderBy(desc(time)).limit(limit)
        .selectExpr("unix_millis(" + time + ")", "CAST(open AS DOUBLE)", "CAST(close AS DOUBLE)",
            "CAST(low AS DOUBLE)", "CAST(high AS DOUBLE)", "CAST(volume AS DOUBLE)")
        .collectAsList()) {
      rows.add(new double[] {r.getLong(0), r.getDouble(1), r.getDouble(2), r.getDouble(3),
          r.getDouble(4), r.getDouble(5)});
    }
    Collections.reverse(rows);
    return new Candles(symbol, interval, rows);
  }

  @Override
  public PredictionSeries predictions(String symbol, int limit) {
    pool();
    return untilCommit("predictions/" + symbol + "/" + limit,
        List.of(tables.goldPredictions(), tables.goldModelRuns()),
        () -> readPredictions(symbol, limit));
  }

  private PredictionSeries readPredictions(String symbol, int limit) {
    Optional<Row> newest = newestModel();
    if (newest.isEmpty() || !isTable(tables.goldPredictions())) {
      return new PredictionSeries(symbol, null, List.of());
    }
    int version = newest.get().getAs("model_version");
    List<PredictionPoint> points = new ArrayList<>();
    for (Row r : read(tables.goldPredictions())
        .filter(col("symbol").equalTo(symbol).and(col("model_version").equalTo(version)))
        .orderBy(desc("as_of")).limit(limit).collectAsList()) {
      points.add(new PredictionPoint(r.<Timestamp>getAs("as_of").getTime(),
          r.getAs("direction"), r.<Double>getAs("probability_up"), version,
          r.getAs("actual_direction"), r.getAs("hit")));
    }
    Collections.reverse(points);
    return new PredictionSeries(symbol, newest.get().getAs("horizon_minutes"), points);
  }

  /** The symbols gold keeps a daily change for (one row each), else those in silver. */
  private List<String> symbols() {
    for (String table : List.of(tables.goldDailyChange(), tables.silverCandles1m())) {
      if (!isTable(table)) continue;
      List<String> symbols = read(table).select("symbol").distinct().orderBy("symbol")
          .collectAsList().stream().map(r -> r.getString(0)).toList();
      if (!symbols.isEmpty()) return symbols;
    }
    return List.of();
  }

  interface NewestClose {
    Dataset<Row> of(Dataset<Row> table);
  }

  private Freshness freshness(String layer, String name, String table, NewestClose newest) {
    return untilCommit("freshness/" + name, List.of(table),
        () -> readFreshness(layer, name, table, newest));
  }

  private Freshness readFreshness(String layer, String name, String table, NewestClose newest) {
    if (!isTable(table)) return new Freshness(layer, name, null, null, null);
    Row close = newest.of(read(table)).first();
    Long newestClose = close.isNullAt(0) ? null : close.getLong(0);
    // The snapshot the read above brought up to date: its timestamp is the newest commit's.
    long committed = org.apache.spark.sql.delta.DeltaLog.forTable(spark, table)
        .unsafeVolatileSnapshot().timestamp();
    Double lag = newestClose == null ? null
        : (committed - timeline.wallOf(newestClose)) / 1000.0;
    return new Freshness(layer, name, newestClose, committed, lag);
  }

  private Quality quality() {
    long quarantined = 0;
    List<Reason> reasons = new ArrayList<>();
    if (isTable(tables.silverQuarantine())) {
      Dataset<Row> rows = read(tables.silverQuarantine());
      quarantined = rows.count();
      for (Row r : rows.select(expr("explode(failed_rules) AS reason")).groupBy("reason")
          .count().orderBy(desc("count")).collectAsList()) {
        reasons.add(new Reason(r.getString(0), r.getLong(1)));
      }
    }
    List<Completeness> completeness = CompletenessReport.read(spark, tables).stream()
        .map(c -> new Completeness(c.symbol(), c.expectedMinutes(), c.presentMinutes(),
            c.missingMinutes(), c.percent(), c.detail()))
        .toList();
    return new Quality(quarantined, reasons, completeness);
  }

  private List<ModelRun> models() {
    if (!isTable(tables.goldModelRuns())) return List.of();
    List<ModelRun> out = new ArrayList<>();
    for (Row r : read(tables.goldModelRuns()).orderBy(desc("model_version")).limit(20)
        .collectAsList()) {
      out.add(new ModelRun(r.getAs("model_version"), r.<Timestamp>getAs("trained_at").getTime(),
          millis(r.getAs("data_from")), millis(r.getAs("data_to")), r.<Long>getAs("train_rows"),
          r.<Long>getAs("test_rows"), r.getAs("test_auc"), r.getAs("test_accuracy"),
          r.getAs("test_balanced_accuracy"), r.getAs("baseline_majority_accuracy"),
          r.getAs("baseline_last_move_accuracy")));
    }
    return out;
  }

  private HitRate hitRate(ModelRun model) {
    Predictions.HitRate h = isTable(tables.goldPredictions())
        ? Predictions.hitRate(spark, tables, model.version())
        : new Predictions.HitRate(model.version(), 0, 0, 0);
    return new HitRate(model.version(), h.predictions(), h.withOutcome(), h.hits(),
        h.withOutcome() == 0 ? null : h.rate(), model.baselineMajorityAccuracy(),
        model.baselineLastMoveAccuracy());
  }

  /** The newest committed model, as gold itself decides it. */
  private Optional<Row> newestModel() {
    return Predictions.newestCommittedModel(spark, tables);
  }

  private static Long millis(Timestamp t) {
    return t == null ? null : t.getTime();
  }

  private Dataset<Row> read(String table) {
    return spark.read().format("delta").load(table);
  }

  private boolean isTable(String table) {
    return LakehouseSpark.isDelta(spark, table);
  }

  private void pool() {
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", POOL);
  }
}
