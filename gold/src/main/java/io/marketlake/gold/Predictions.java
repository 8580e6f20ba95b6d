package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.LayerContext;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * What the predictions table says: the newest model's latest prediction per symbol and its live
 * hit rate. Used by the {@code predictions} command, the demo, and anyone else who asks.
 */
public final class Predictions {
  private Predictions() {}

  /** One symbol's latest prediction, with its model's test metrics. */
  public record LatestPrediction(String symbol, java.sql.Timestamp asOf, int horizonMinutes,
      double probabilityUp, String direction, int modelVersion, double testAuc,
      double testAccuracy, double baselineMajorityAccuracy) {}

  /** The newest model's latest prediction per symbol. */
  public static List<LatestPrediction> latest(LayerContext ctx) {
    SparkSession spark = ctx.spark();
    Lakehouse lakehouse = ctx.tables();
    String predictions = lakehouse.goldPredictions();
    if (!DeltaTable.isDeltaTable(spark, predictions)) {
      throw new UsageException("No predictions at " + predictions + ": run train first");
    }
    Row newest = newestModel(spark, lakehouse);
    int version = newest.getAs("model_version");
    return spark.read().format("delta").load(predictions)
        .filter(col("model_version").equalTo(version))
        .withColumn("_latest", max("as_of").over(Window.partitionBy("symbol")))
        .filter(col("as_of").equalTo(col("_latest")))
        .orderBy("symbol")
        .collectAsList().stream()
        .map(r -> new LatestPrediction(r.getAs("symbol"), r.getAs("as_of"),
            r.<Integer>getAs("horizon_minutes"), r.<Double>getAs("probability_up"),
            r.getAs("direction"), version, newest.<Double>getAs("test_auc"),
            newest.<Double>getAs("test_accuracy"),
            newest.<Double>getAs("baseline_majority_accuracy")))
        .toList();
  }

  /**
   * A model version's live record: its predictions, those with an outcome (the horizon has
   * passed and the move was not flat), and the hits among them.
   */
  public record HitRate(int modelVersion, long predictions, long withOutcome, long hits) {
    /** Hits over predictions with an outcome; NaN when none has one yet. */
    public double rate() {
      return withOutcome == 0 ? Double.NaN : (double) hits / withOutcome;
    }
  }

  /** The newest model's hit rate on its own predictions so far. */
  public static HitRate hitRate(LayerContext ctx) {
    int version = newestModel(ctx.spark(), ctx.tables()).getAs("model_version");
    return TrendPredictions.hitRate(ctx.spark(), ctx.tables().goldPredictions(), version);
  }

  /** One model version's hit rate on its own predictions so far. */
  public static HitRate hitRate(SparkSession spark, Lakehouse lakehouse, int version) {
    return TrendPredictions.hitRate(spark, lakehouse.goldPredictions(), version);
  }

  /**
   * The {@code model_runs} row of the newest committed model, or empty when there is none: what
   * every reader of "the newest model" (the dashboard too) must go by.
   */
  public static java.util.Optional<Row> newestCommittedModel(SparkSession spark,
      Lakehouse lakehouse) {
    return ModelVersions.newestCommitted(spark, lakehouse);
  }

  private static Row newestModel(SparkSession spark, Lakehouse lakehouse) {
    return ModelVersions.newestCommitted(spark, lakehouse).orElseThrow(
        () -> new UsageException("No model in " + lakehouse.goldModelRuns() + ": run train first"));
  }

  public static void print(List<LatestPrediction> rows, PrintStream out) {
    out.printf("%-12s %-20s %8s %9s %9s %6s %9s%n", "symbol", "as of (UTC)", "horizon",
        "direction", "P(up)", "model", "test AUC");
    for (LatestPrediction p : rows) {
      out.printf(Locale.ROOT, "%-12s %-20s %7dm %9s %9.3f %6s %9.3f%n", p.symbol(),
          p.asOf().toInstant().toString().replace("T", " ").replace("Z", ""),
          p.horizonMinutes(), p.direction(), p.probabilityUp(), "v" + p.modelVersion(),
          p.testAuc());
    }
  }

}
