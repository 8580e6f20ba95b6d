package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.DeltaCommits;
import io.marketlake.common.spark.LayerContext;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The model side of {@code live}: each {@link #tick} scores every minute that silver gained since
 * the last tick with the newest model, fills in the outcomes whose horizon has passed, and
 * retrains when the schedule says so (or when there is no model yet and silver has enough labelled
 * minutes).
 *
 * <p>It writes {@code trend_predictions} and {@code model_runs}, the tables {@code train} writes:
 * the caller holds the train lease for as long as it ticks. Scores only minutes after the served
 * model's {@code data_to}, like {@code train}: every live prediction is out of sample.
 */
public final class LiveModel {
  /**
   * @param retrainEvery how often a new model is trained, on features of silver's newest
   *     {@code trainWindow}
   * @param retryTrainAfter how long to wait after a train that found too little data
   * @param outcomesEvery outcomes are filled in at most this often: the MERGE reads every pending
   *     prediction, and on two busy cores it costs more than the scoring itself
   * @param train the settings of each train
   * @param horizonMinutes the label's horizon
   * @param trainWindow each train learns from silver's newest this-much exchange time
   */
  public record Config(Duration retrainEvery, Duration retryTrainAfter, Duration outcomesEvery,
      TrainConfig train, int horizonMinutes, Duration trainWindow) {
    public Config {
      if (retrainEvery.isNegative() || retrainEvery.isZero()) {
        throw new UsageException("--retrain-every must be positive, got " + retrainEvery);
      }
    }

    public static final Duration RETRY_TRAIN_AFTER = Duration.ofSeconds(30);

    /**
     * Retrains every {@code retrainEvery} on the newest 7 days, waits 30 s after too little,
     * fills in outcomes every 30 s.
     */
    public static Config every(Duration retrainEvery, int horizonMinutes) {
      return new Config(retrainEvery, RETRY_TRAIN_AFTER, Duration.ofSeconds(30),
          TrainConfig.defaults(), horizonMinutes, Duration.ofDays(7));
    }
  }

  /**
   * What one tick did.
   *
   * @param modelVersion the model that scored, or null: none yet
   * @param trained the train this tick ran, or null
   * @param scored new predictions written
   * @param outcomes earlier predictions whose outcome was filled in
   * @param noTrainBecause why the last train attempt made no model (e.g. too little history), or
   *     null
   */
  public record Tick(Integer modelVersion, TrainJob.TrainResult trained, long scored,
      long outcomes, String noTrainBecause) {}

  private final Config config;
  private final TrainJob trainJob;
  private long lastTrainNanos;
  private boolean trainedOnce;
  private int loadedVersion = -1;
  private PipelineModel loaded;
  /** Per symbol, the newest minute scored by {@link #loadedVersion}. */
  private final Map<String, Timestamp> scoredUpTo = new HashMap<>();
  private Timestamp newestSeen;
  private String noTrainBecause;
  private long lastOutcomesNanos;
  /** The model_runs row of the model served, read again after each train. */
  private Row served;
  /** The model version and silver version the last complete tick saw. */
  private int scoredWithVersion = -1;
  private long silverVersionSeen = -1;
  private boolean silverSeen;
  /** The predictions table this model has created or migrated, once. */
  private String predictionsReadyIn;

  public LiveModel(Config config) {
    this.config = config;
    this.trainJob = new TrainJob(config.train());
  }

  /** One round: retrain if due, score the new minutes, fill in outcomes. The caller holds the lease. */
  public Tick tick(LayerContext ctx) throws Exception {
    TrainJob.TrainResult trained = trainIfDue(ctx);
    return scoreNewMinutes(ctx, trained);
  }

  /** Why the last train attempt made no model (e.g. too little history), or null. */
  public String noTrainBecause() {
    return noTrainBecause;
  }

  /** Scores the minutes silver gained and fills in outcomes; {@code trained} is passed through. */
  public Tick scoreNewMinutes(LayerContext ctx, TrainJob.TrainResult trained) throws Exception {
    SparkSession spark = ctx.spark();
    Lakehouse tables = ctx.tables();
    // The caller holds the train lease: model_runs changes only when this object trains, so it
    // is read again only then (a Spark job at every tick otherwise).
    if (served == null || trained != null) {
      served = ModelVersions.newestCommitted(spark, tables).orElse(null);
    }
    if (served == null) return new Tick(null, trained, 0, 0, noTrainBecause);
    // Once there, silver stays a table: checked until then only (each check asks the store).
    if (!silverSeen) silverSeen = DeltaTable.isDeltaTable(spark, tables.silverCandles1m());
    if (!silverSeen) return new Tick(null, trained, 0, 0, noTrainBecause);
    Row model = served;
    int version = model.getAs("model_version");
    int horizon = model.getAs("horizon_minutes");
    Timestamp dataTo = model.getAs("data_to");
    if (version != loadedVersion) {
      loaded = PipelineModel.load(model.getAs("model_path"));
      loadedVersion = version;
      scoredUpTo.clear();
      newestSeen = null;
      scoredUpTo.putAll(scoredSoFar(spark, tables.goldPredictions(), version));
    }
    // Silver's version, from its log alone: a tick with no new silver commit since the last one
    // has nothing to score and no outcome to fill, and costs no Spark job.
    long silverVersion = DeltaCommits.latestVersion(spark, tables.silverCandles1m());
    if (version == scoredWithVersion && silverVersion == silverVersionSeen) {
      return new Tick(version, trained, 0, 0, noTrainBecause);
    }
    Dataset<Row> silver = spark.read().format("delta").load(tables.silverCandles1m());
    Timestamp newestCandle = silver.agg(max("open_time")).first().getTimestamp(0);
    if (newestCandle == null || newestCandle.equals(newestSeen)) {
      seen(version, silverVersion);
      return new Tick(version, trained, 0, 0, noTrainBecause);
    }
    // A restart after a long stop scores the latest minutes only, as train does.
    Timestamp floor = latest(dataTo, new Timestamp(newestCandle.getTime()
        - config.train().predictMinutes() * 60_000L));
    Timestamp from = scoredUpTo.values().stream().reduce(LiveModel::earliest).map(
        t -> latest(t, floor)).orElse(floor);
    long scored = score(spark, tables, silver, version, horizon, from, floor);
    long outcomes = 0;
    if (lastOutcomesNanos == 0
        || System.nanoTime() - lastOutcomesNanos >= config.outcomesEvery().toNanos()) {
      // Outcomes need the close horizon minutes later: a day back covers every live prediction.
      outcomes = TrendPredictions.fillOutcomes(spark, tables.goldPredictions(),
          silver.filter(col("open_time").gt(lit(new Timestamp(newestCandle.getTime()
              - Duration.ofDays(1).toMillis())))));
      lastOutcomesNanos = System.nanoTime();
    }
    newestSeen = newestCandle;
    seen(version, silverVersion);
    return new Tick(version, trained, scored, outcomes, noTrainBecause);
  }

  /** A tick with this model over this silver version is done: the next one may skip it. */
  private void seen(int modelVersion, long silverVersion) {
    scoredWithVersion = modelVersion;
    silverVersionSeen = silverVersion;
  }

  /**
   * Trains a model if none is served yet (retrying after {@code retryTrainAfter} while history is
   * too short) or the schedule says so; null if it did not train.
   */
  public TrainJob.TrainResult trainIfDue(LayerContext ctx) throws Exception {
    long now = System.nanoTime();
    if (lastTrainNanos == 0
        && ModelVersions.newestCommitted(ctx.spark(), ctx.tables()).isPresent()) {
      // A restart with a model already served: keep it until the schedule says otherwise.
      lastTrainNanos = now;
      trainedOnce = true;
      return null;
    }
    Duration wait = trainedOnce ? config.retrainEvery() : config.retryTrainAfter();
    if (lastTrainNanos != 0 && now - lastTrainNanos < wait.toNanos()) return null;
    lastTrainNanos = now;
    String silverTable = ctx.tables().silverCandles1m();
    if (!DeltaTable.isDeltaTable(ctx.spark(), silverTable)) return null;
    // From silver, not gold/features: gold rewrites those on its own (slow) schedule, and the
    // first model should not wait for it.
    Dataset<Row> silver = ctx.spark().read().format("delta").load(silverTable);
    Timestamp newest = silver.agg(max("open_time")).first().getTimestamp(0);
    if (newest == null) return null;
    Dataset<Row> recent = silver.filter(col("open_time").gt(lit(new Timestamp(newest.getTime()
        - config.trainWindow().toMillis()))));
    try {
      TrainJob.TrainResult result = trainJob.trainHoldingLease(ctx,
          Features.compute(recent, config.horizonMinutes()), silverTable);
      trainedOnce = true;
      noTrainBecause = null;
      return result;
    } catch (UsageException tooLittleData) {
      noTrainBecause = tooLittleData.getMessage(); // tried again after retryTrainAfter
      return null;
    }
  }

  /** Features of the new minutes, scored, inserted; returns how many. */
  private long score(SparkSession spark, Lakehouse tables, Dataset<Row> silver, int version,
      int horizon, Timestamp from, Timestamp floor) {
    // Enough history before the first new minute for its longest look-back.
    Timestamp sliceFrom = new Timestamp(from.getTime() - (Features.MAX_LAG + 1) * 60_000L);
    Dataset<Row> features = TrainJob.complete(Features.compute(
        silver.filter(col("open_time").geq(lit(sliceFrom))), horizon));
    Column isNew = col("open_time").gt(lit(floor));
    for (Map.Entry<String, Timestamp> e : scoredUpTo.entrySet()) {
      isNew = isNew.and(col("symbol").notEqual(e.getKey())
          .or(col("open_time").gt(lit(e.getValue()))));
    }
    Dataset<Row> predictions = TrendPredictions.fromScored(
        loaded.transform(features.filter(isNew)), version, horizon).localCheckpoint(true);
    Map<String, Timestamp> newest = new HashMap<>();
    long rows = 0;
    for (Row r : predictions.groupBy("symbol").agg(max("as_of"),
        org.apache.spark.sql.functions.count(lit(1))).collectAsList()) {
      newest.put(r.getString(0), r.getTimestamp(1));
      rows += r.getLong(2);
    }
    if (rows == 0) return 0;
    // Created or migrated once per table, not at every tick: that check reads the table's log.
    if (!tables.goldPredictions().equals(predictionsReadyIn)) {
      TrendPredictions.createOrMigrate(spark, tables.goldPredictions(), predictions.schema());
      predictionsReadyIn = tables.goldPredictions();
    }
    TrendPredictions.insertInto(spark, tables.goldPredictions(), predictions);
    scoredUpTo.putAll(newest);
    return rows;
  }

  /** Per symbol, the newest minute a version has predicted. */
  private static Map<String, Timestamp> scoredSoFar(SparkSession spark, String table,
      int version) {
    Map<String, Timestamp> out = new HashMap<>();
    if (!DeltaTable.isDeltaTable(spark, table)) return out;
    for (Row r : spark.read().format("delta").load(table)
        .filter(col("model_version").equalTo(version)).groupBy("symbol").agg(max("as_of"))
        .collectAsList()) {
      out.put(r.getString(0), r.getTimestamp(1));
    }
    return out;
  }

  private static Timestamp earliest(Timestamp a, Timestamp b) {
    return a.before(b) ? a : b;
  }

  private static Timestamp latest(Timestamp a, Timestamp b) {
    return a.after(b) ? a : b;
  }
}
