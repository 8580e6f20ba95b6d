package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.LakehouseSpark;
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
import org.apache.spark.ml.functions;
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
 * it under a new version, records the run in {@code model_runs} and writes predictions.
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

  public TrainResult run(SparkSession spark) throws Exception {
    return io.marketlake.common.spark.SparkLeases.hold(spark, config.lakehouse(), config.s3(),
        io.marketlake.common.lease.LeasedJob.TRAIN, () -> runHoldingLease(spark));
  }

  private TrainResult runHoldingLease(SparkSession spark) throws Exception {
    LakehouseSpark.configure(spark, config.s3());
    long started = System.nanoTime();
    String featuresPath = config.lakehouse().goldFeatures();
    if (!DeltaTable.isDeltaTable(spark, featuresPath)) {
      throw new UsageException("No features table at " + featuresPath + ": run gold first");
    }
    Dataset<Row> features = complete(spark.read().format("delta").load(featuresPath))
        .persist(StorageLevel.MEMORY_AND_DISK());
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

      // The model that serves predictions learns from all labelled history.
      PipelineModel model = pipeline().fit(labelled);
      int version = nextVersion(spark);
      String modelPath = config.lakehouse().models() + "/v" + version;
      model.write().overwrite().save(modelPath);
      long trainRows = labelled.count();
      appendRun(spark, version, modelPath, horizon, folds.size(), embargo, range, trainRows,
          metrics);
      long predictions = writePredictions(spark, model, features, version, horizon);
      return new TrainResult(version, modelPath, trainRows, metrics, predictions,
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

  private int nextVersion(SparkSession spark) {
    String runs = config.lakehouse().goldModelRuns();
    if (!DeltaTable.isDeltaTable(spark, runs)) return 1;
    Row last = spark.read().format("delta").load(runs).agg(max("model_version")).first();
    return last.isNullAt(0) ? 1 : last.getInt(0) + 1;
  }

  private void appendRun(SparkSession spark, int version, String modelPath, int horizon,
      int folds, Duration embargo, Row range, long trainRows, ModelEvaluation m) {
    String params = String.format(java.util.Locale.ROOT,
        "{\"reg_param\": %s, \"max_iter\": %d, \"standardized\": true}", config.regParam(),
        config.maxIter());
    Row run = RowFactory.create(version, new Timestamp(System.currentTimeMillis()), modelPath,
        ALGORITHM, horizon, String.join(",", Features.COLUMNS), params, folds,
        (int) embargo.toMinutes(), range.getTimestamp(0), range.getTimestamp(1), trainRows,
        m.rows(), m.auc(), m.accuracy(), m.balancedAccuracy(), m.majorityAccuracy(),
        m.lastMoveAccuracy(), m.upFraction());
    spark.createDataFrame(List.of(run), MODEL_RUNS).write().format("delta").mode("append")
        .save(config.lakehouse().goldModelRuns());
  }

  /** Scores each symbol's latest minutes and MERGEs them into {@code trend_predictions}. */
  private long writePredictions(SparkSession spark, PipelineModel model, Dataset<Row> features,
      int version, int horizon) {
    Dataset<Row> latest = features
        .withColumn("_latest", max("open_time").over(
            org.apache.spark.sql.expressions.Window.partitionBy("symbol")))
        .filter(expr("open_time > _latest - make_dt_interval(0, 0, " + config.predictMinutes()
            + ", 0)"));
    Dataset<Row> predictions = model.transform(latest).select(
        col("symbol"),
        col("open_time").as("as_of"),
        lit(horizon).as("horizon_minutes"),
        functions.vector_to_array(col("probability"), "float64").getItem(1)
            .as("probability_up"),
        expr("CASE WHEN prediction = 1.0 THEN 'up' ELSE 'down' END").as("direction"),
        lit(version).as("model_version"),
        current_timestamp().as("predicted_at"));
    String table = config.lakehouse().goldPredictions();
    DeltaTable.createIfNotExists(spark).location(table).addColumns(predictions.schema())
        .comment("Predicted direction of the close horizon_minutes after as_of, per model.")
        .execute();
    DeltaTable.forPath(spark, table).as("t")
        .merge(predictions.as("s"), "t.symbol = s.symbol AND t.as_of = s.as_of"
            + " AND t.horizon_minutes = s.horizon_minutes AND t.model_version = s.model_version")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    return latest.count();
  }

  /** What one training run did. */
  public record TrainResult(int modelVersion, String modelPath, long trainRows,
      ModelEvaluation metrics, long predictions, long millis) {}
}
