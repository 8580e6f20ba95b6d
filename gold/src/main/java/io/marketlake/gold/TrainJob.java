package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.marketlake.common.UsageException;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkLeases;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Trains the price-trend classifier on the gold features table, evaluates it walk-forward, saves
 * it under a newly claimed version ({@link ModelVersions}), writes its predictions and the
 * outcomes of earlier ones ({@link TrendPredictions}), and records the run in {@code model_runs},
 * last: that row is the commit marker of the train.
 */
public final class TrainJob {
  static final String ALGORITHM = "logistic_regression";
  public static final String ALGORITHM_LABEL = "logistic regression on " + Features.COLUMNS.size() + " features";

  static final StructType MODEL_RUNS = new StructType()
      .add("model_version", DataTypes.IntegerType)
      .add("trained_at", DataTypes.TimestampType)
      .add("model_path", DataTypes.StringType)
      .add("algorithm", DataTypes.StringType)
      .add("horizon_minutes", DataTypes.IntegerType)
      .add("features", DataTypes.StringType)
      .add("params", DataTypes.StringType)
      .add("folds", DataTypes.IntegerType)
      .add("embargo_minutes", DataTypes.IntegerType)
      .add("data_from", DataTypes.TimestampType)
      .add("data_to", DataTypes.TimestampType)
      .add("train_rows", DataTypes.LongType)
      .add("test_rows", DataTypes.LongType)
      .add("test_auc", DataTypes.DoubleType)
      .add("test_accuracy", DataTypes.DoubleType)
      .add("test_balanced_accuracy", DataTypes.DoubleType)
      .add("baseline_majority_accuracy", DataTypes.DoubleType)
      .add("baseline_last_move_accuracy", DataTypes.DoubleType)
      .add("test_up_fraction", DataTypes.DoubleType);

  private final TrainConfig config;

  public TrainJob(TrainConfig config) {
    this.config = config;
  }

  /** The model: scaled features into a logistic regression. */
  Pipeline pipeline() {
    return new Pipeline().setStages(new PipelineStage[] {
      new VectorAssembler().setInputCols(Features.COLUMNS.toArray(String[]::new))
          .setOutputCol("raw_features").setHandleInvalid("skip"),
      new StandardScaler().setInputCol("raw_features").setOutputCol("features"),
      new LogisticRegression().setLabelCol("label_up").setFeaturesCol("features")
          .setRegParam(config.regParam()).setMaxIter(config.maxIter())
    });
  }

  /** Rows usable by the model: every feature present (the first minutes of a series lack some). */
  static Dataset<Row> complete(Dataset<Row> features) {
    Column present = lit(true);
    for (String c : Features.COLUMNS) present = present.and(col(c).isNotNull());
    return features.filter(present);
  }

  public TrainResult run(LayerContext ctx) throws Exception {
    return SparkLeases.hold(ctx, io.marketlake.common.lease.LeasedJob.TRAIN,
        () -> runHoldingLease(ctx.spark(), ctx.tables()));
  }

  /**
   * A train on {@code allFeatures} (rows of {@link Features#compute}) for a caller that already
   * holds the train lease: {@link LiveModel}, which computes them from silver's recent candles.
   */
  TrainResult trainHoldingLease(LayerContext ctx, Dataset<Row> allFeatures, String source)
      throws Exception {
    return train(ctx.spark(), ctx.tables(), allFeatures, source);
  }

  private TrainResult runHoldingLease(SparkSession spark, Lakehouse tables) throws Exception {
    String featuresPath = tables.goldFeatures();
    if (!DeltaTable.isDeltaTable(spark, featuresPath)) {
      throw new UsageException("No features table at " + featuresPath + ": run gold first");
    }
    return train(spark, tables, spark.read().format("delta").load(featuresPath), featuresPath);
  }

  private TrainResult train(SparkSession spark, Lakehouse tables, Dataset<Row> allFeatures,
      String featuresPath) throws Exception {
    long started = System.nanoTime();
    Dataset<Row> features = complete(allFeatures).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> labelled = features.filter(col("label_up").isNotNull());
      Row range = labelled.agg(min("open_time"), max("open_time"), max("horizon_minutes"),
          org.apache.spark.sql.functions.count(lit(1))).first();
      if (range.getLong(3) == 0) {
        throw new UsageException("No labelled feature rows in " + featuresPath
            + ": ingest more history, then run silver and gold");
      }
      int horizon = range.getInt(2);
      Duration embargo = WalkForwardSplit.embargo(Features.MAX_LAG, horizon);
      List<WalkForwardSplit.Fold> folds = WalkForwardSplit.folds(
          range.getTimestamp(0).toInstant(), range.getTimestamp(1).toInstant(), config.folds(),
          embargo);

      // Folds are independent: fitting them concurrently keeps both cores busy through the
      // many small jobs of each fit (MLlib's CrossValidator.setParallelism does the same).
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(folds.size(), 3));
      List<ModelEvaluation> evaluations = new ArrayList<>();
      try {
        List<Future<ModelEvaluation>> futures = new ArrayList<>();
        for (WalkForwardSplit.Fold fold : folds) {
          futures.add(pool.submit(() -> evaluate(labelled, fold)));
        }
        for (Future<ModelEvaluation> f : futures) evaluations.add(f.get());
      } finally {
        pool.shutdownNow();
      }
      ModelEvaluation metrics = ModelEvaluation.weightedMean(evaluations);

      // The model that serves predictions learns from all labelled history, up to data_to.
      PipelineModel model = pipeline().fit(labelled);
      Timestamp dataTo = range.getTimestamp(1);
      ModelVersions.Claim claim = ModelVersions.claim(spark, tables);
      int version = claim.version();
      String modelPath = claim.modelPath(tables);
      model.write().save(modelPath);
      long trainRows = labelled.count();
      long predictions = writePredictions(spark, tables.goldPredictions(), model, features,
          version, horizon, dataTo);
      long outcomes = TrendPredictions.fillOutcomes(spark, tables.goldPredictions(),
          allFeatures);
      // Last: the commit marker. A train that fails before this line leaves no new version.
      appendRun(spark, tables.goldModelRuns(), version, modelPath, horizon, folds.size(), embargo, range, trainRows,
          metrics);
      return new TrainResult(version, modelPath, trainRows, dataTo.toInstant(), metrics,
          predictions, outcomes,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    } finally {
      features.unpersist();
    }
  }

  /** Trains on the fold's past and scores its test block. */
  private ModelEvaluation evaluate(Dataset<Row> labelled, WalkForwardSplit.Fold fold) {
    Dataset<Row> train = between(labelled, fold.from(), fold.trainEnd());
    Dataset<Row> test = between(labelled, fold.testStart(), fold.testEnd());
    boolean majorityUp = train.agg(expr("avg(label_up)")).first().getDouble(0) >= 0.5;
    PipelineModel model = pipeline().fit(train);
    return ModelEvaluation.of(model.transform(test), majorityUp);
  }

  /** Rows with {@code from <= open_time < until}: how a fold's train and test rows are cut. */
  static Dataset<Row> between(Dataset<Row> rows, Instant from, Instant until) {
    return rows.filter(col("open_time").geq(lit(Timestamp.from(from)))
        .and(col("open_time").lt(lit(Timestamp.from(until)))));
  }

  private void appendRun(SparkSession spark, String modelRuns, int version, String modelPath,
      int horizon, int folds, Duration embargo, Row range, long trainRows, ModelEvaluation m) {
    String params = String.format(java.util.Locale.ROOT,
        "{\"reg_param\": %s, \"max_iter\": %d, \"standardized\": true}", config.regParam(),
        config.maxIter());
    Row run = RowFactory.create(version, new Timestamp(System.currentTimeMillis()), modelPath,
        ALGORITHM, horizon, String.join(",", Features.COLUMNS), params, folds,
        (int) embargo.toMinutes(), range.getTimestamp(0), range.getTimestamp(1), trainRows,
        m.rows(), m.auc(), m.accuracy(), m.balancedAccuracy(), m.majorityAccuracy(),
        m.lastMoveAccuracy(), m.upFraction());
    spark.createDataFrame(List.of(run), MODEL_RUNS).write().format("delta").mode("append")
        .save(modelRuns);
  }

  /**
   * Scores each symbol's latest minutes after {@code dataTo} (never a row the model was trained
   * on) and inserts them into {@code trend_predictions}.
   */
  private long writePredictions(SparkSession spark, String predictionsTable, PipelineModel model,
      Dataset<Row> features, int version, int horizon, Timestamp dataTo) {
    Dataset<Row> predictions = TrendPredictions.fromScored(model.transform(
        TrendPredictions.predictable(features, dataTo, config.predictMinutes())), version, horizon)
        .localCheckpoint(true);
    TrendPredictions.insert(spark, predictionsTable, predictions);
    return predictions.count();
  }

  /**
   * What one training run did.
   *
   * @param dataTo the last minute whose label the model was trained on: it predicts only later
   *     minutes
   * @param outcomesFilled earlier predictions (any version) whose outcome this run filled in
   */
  public record TrainResult(int modelVersion, String modelPath, long trainRows, Instant dataTo,
      ModelEvaluation metrics, long predictions, long outcomesFilled, long millis) {}
}
