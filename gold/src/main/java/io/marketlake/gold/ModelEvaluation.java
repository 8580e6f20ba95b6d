package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Test-set metrics of one fold, next to the two baselines a trend model must beat: always
 * predicting the training set's majority class, and predicting that the last {@code horizon}
 * minutes' move continues.
 */
public record ModelEvaluation(long rows, double auc, double accuracy, double balancedAccuracy,
    double majorityAccuracy, double lastMoveAccuracy, double upFraction) {

  /**
   * @param scored test rows with {@code label_up}, {@code prediction}, {@code rawPrediction} and
   *     {@code ret_h}
   * @param majorityUp whether up was the majority class in training
   */
  static ModelEvaluation of(Dataset<Row> scored, boolean majorityUp) {
    double auc = new BinaryClassificationEvaluator().setLabelCol("label_up")
        .setRawPredictionCol("rawPrediction").setMetricName("areaUnderROC").evaluate(scored);
    Column up = col("label_up").equalTo(1.0);
    Column lastMoveUp = col("ret_h").gt(0);
    Row r = scored.agg(
        count(lit(1)),
        sum(when(up, 1).otherwise(0)),
        sum(when(up.and(col("prediction").equalTo(1.0)), 1).otherwise(0)),
        sum(when(col("label_up").equalTo(0.0).and(col("prediction").equalTo(0.0)), 1).otherwise(0)),
        sum(when(up.equalTo(lastMoveUp), 1).otherwise(0))).first();
    long rows = r.getLong(0);
    long ups = r.getLong(1);
    long downs = rows - ups;
    long truePositives = r.getLong(2);
    long trueNegatives = r.getLong(3);
    double tpr = ups == 0 ? 0 : (double) truePositives / ups;
    double tnr = downs == 0 ? 0 : (double) trueNegatives / downs;
    return new ModelEvaluation(rows, auc,
        rows == 0 ? 0 : (double) (truePositives + trueNegatives) / rows,
        (tpr + tnr) / 2,
        rows == 0 ? 0 : (double) (majorityUp ? ups : downs) / rows,
        rows == 0 ? 0 : (double) r.getLong(4) / rows,
        rows == 0 ? 0 : (double) ups / rows);
  }

  /** The mean over folds, each weighted by its number of test rows. */
  static ModelEvaluation weightedMean(List<ModelEvaluation> folds) {
    long rows = folds.stream().mapToLong(ModelEvaluation::rows).sum();
    return new ModelEvaluation(rows,
        mean(folds, rows, ModelEvaluation::auc),
        mean(folds, rows, ModelEvaluation::accuracy),
        mean(folds, rows, ModelEvaluation::balancedAccuracy),
        mean(folds, rows, ModelEvaluation::majorityAccuracy),
        mean(folds, rows, ModelEvaluation::lastMoveAccuracy),
        mean(folds, rows, ModelEvaluation::upFraction));
  }

  private static double mean(List<ModelEvaluation> folds, long rows,
      java.util.function.ToDoubleFunction<ModelEvaluation> metric) {
    return folds.stream().mapToDouble(f -> metric.applyAsDouble(f) * f.rows()).sum() / rows;
  }
}
