package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.marketlake.common.spark.DeltaCreate;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code gold/trend_predictions}: one row per (symbol, as_of, horizon_minutes, model_version),
 * written by {@code train} only.
 *
 * <p>A model predicts only minutes after its {@code data_to}, the last minute whose label it was
 * trained on, so no prediction is of a row the model learnt from. Each prediction's outcome is
 * filled in by the first train after its horizon has passed: {@code actual_direction} ({@code
 * up}, {@code down} or {@code flat}: the close {@code horizon_minutes} after {@code as_of}
 * against the close at {@code as_of}), {@code hit} (the prediction was right; null when flat),
 * {@code outcome_at} (when it was filled in). The hit rate counts only rows whose {@code hit} is
 * set: pending and flat rows are left out.
 */
final class TrendPredictions {
  static final String KEY = "t.symbol = s.symbol AND t.as_of = s.as_of"
      + " AND t.horizon_minutes = s.horizon_minutes AND t.model_version = s.model_version";

  /** The outcome columns, null until the horizon has passed. */
  static final StructType OUTCOME = new StructType()
      .add("actual_direction", DataTypes.StringType)
      .add("hit", DataTypes.BooleanType)
      .add("outcome_at", DataTypes.TimestampType);

  private TrendPredictions() {}

  /**
   * The feature rows a model trained up to {@code dataTo} may predict: those after it, and of
   * those each symbol's latest {@code minutes}. Pure.
   */
  static Dataset<Row> predictable(Dataset<Row> features, Timestamp dataTo, int minutes) {
    return features
        .filter(col("open_time").gt(lit(dataTo)))
        .withColumn("_latest", max("open_time").over(Window.partitionBy("symbol")))
        .filter(expr("open_time > _latest - make_dt_interval(0, 0, " + minutes + ", 0)"))
        .drop("_latest");
  }

  /** Scored rows (a fitted model's output) → prediction rows, outcome still unknown. Pure. */
  static Dataset<Row> fromScored(Dataset<Row> scored, int version, int horizon) {
    Column[] columns = new Column[7 + OUTCOME.size()];
    columns[0] = col("symbol");
    columns[1] = col("open_time").as("as_of");
    columns[2] = lit(horizon).as("horizon_minutes");
    columns[3] = functions.vector_to_array(col("probability"), "float64").getItem(1)
        .as("probability_up");
    columns[4] = expr("CASE WHEN prediction = 1.0 THEN 'up' ELSE 'down' END").as("direction");
    columns[5] = lit(version).as("model_version");
    columns[6] = current_timestamp().as("predicted_at");
    StructField[] outcome = OUTCOME.fields();
    for (int i = 0; i < outcome.length; i++) {
      columns[7 + i] = lit(null).cast(outcome[i].dataType()).as(outcome[i].name());
    }
    return scored.select(columns);
  }

  /**
   * Predictions still without an outcome, and closes (symbol, open_time, close) → the outcome of
   * every one whose close {@code horizon_minutes} later is known, keyed like the table. A
   * prediction whose later (or own) close is missing stays pending. Pure.
   */
  static Dataset<Row> outcomes(Dataset<Row> pending, Dataset<Row> closes) {
    Dataset<Row> prices = closes.select(col("symbol"), col("open_time"),
        col("close").cast("double").as("close"));
    Dataset<Row> atPrediction = prices.withColumnRenamed("open_time", "as_of")
        .withColumnRenamed("close", "_close_then");
    Dataset<Row> later = prices.select(col("symbol").as("_later_symbol"),
        col("open_time").as("_later_time"), col("close").as("_close_later"));
    Column actual = when(col("_close_later").gt(col("_close_then")), lit("up"))
        .when(col("_close_later").lt(col("_close_then")), lit("down"))
        .otherwise(lit("flat"));
    return pending
        .select("symbol", "as_of", "horizon_minutes", "model_version", "direction")
        .join(atPrediction, new String[] {"symbol", "as_of"})
        .join(later, col("symbol").equalTo(col("_later_symbol")).and(col("_later_time")
            .equalTo(expr("as_of + make_dt_interval(0, 0, horizon_minutes, 0)"))))
        .withColumn("actual_direction", actual)
        .select(col("symbol"), col("as_of"), col("horizon_minutes"), col("model_version"),
            col("actual_direction"),
            when(col("actual_direction").notEqual("flat"),
                col("actual_direction").equalTo(col("direction"))).as("hit"),
            current_timestamp().as("outcome_at"));
  }

  /** Creates the table, or adds the outcome columns to one written before they existed. */
  static void createOrMigrate(SparkSession spark, String table, StructType schema) {
    DeltaCreate.ifMissing(spark, table).addColumns(schema)
        .comment("Predicted direction of the close horizon_minutes after as_of, per model, and"
            + " once the horizon has passed, what happened.")
        .execute();
    List<String> present = Arrays.asList(DeltaTable.forPath(spark, table).toDF().columns());
    for (StructField f : OUTCOME.fields()) {
      if (!present.contains(f.name())) {
        spark.sql("ALTER TABLE delta.`" + table + "` ADD COLUMNS (" + f.name() + " "
            + f.dataType().sql() + ")");
      }
    }
  }

  /** Inserts new predictions; a row already there (same key) is left as it is. */
  static void insert(SparkSession spark, String table, Dataset<Row> predictions) {
    createOrMigrate(spark, table, predictions.schema());
    insertInto(spark, table, predictions);
  }

  /** {@link #insert} into a table {@link #createOrMigrate} has already made current. */
  static void insertInto(SparkSession spark, String table, Dataset<Row> predictions) {
    DeltaTable.forPath(spark, table).as("t")
        .merge(predictions.as("s"), KEY)
        .whenNotMatched().insertAll()
        .execute();
  }

  /**
   * Fills in the outcome of every prediction whose horizon has passed and whose closes are in
   * {@code closes}.
   *
   * @return how many predictions got their outcome
   */
  static long fillOutcomes(SparkSession spark, String table, Dataset<Row> closes) {
    if (!DeltaTable.isDeltaTable(spark, table)) return 0;
    // A read of its own, not the DeltaTable's frame: a MERGE source that shares the target's
    // column ids cannot be resolved.
    Dataset<Row> pending = spark.read().format("delta").load(table)
        .filter(col("actual_direction").isNull());
    DeltaTable predictions = DeltaTable.forPath(spark, table);
    Dataset<Row> known = outcomes(pending, closes).localCheckpoint(true);
    if (known.isEmpty()) return 0;
    return io.marketlake.common.spark.DeltaCommits.merged(predictions.as("t")
        .merge(known.as("s"), KEY)
        .whenMatched("t.actual_direction IS NULL")
        .updateExpr(Map.of("actual_direction", "s.actual_direction", "hit", "s.hit",
            "outcome_at", "s.outcome_at"))
        .execute()).updated();
  }

  /** Hits of one model version's predictions; see {@link Predictions.HitRate}. */
  static Predictions.HitRate hitRate(SparkSession spark, String table, int version) {
    Row r = DeltaTable.forPath(spark, table).toDF()
        .filter(col("model_version").equalTo(version))
        .selectExpr("count(*)", "count(hit)", "count_if(hit)").first();
    return new Predictions.HitRate(version, r.getLong(0), r.getLong(1), r.getLong(2));
  }
}
