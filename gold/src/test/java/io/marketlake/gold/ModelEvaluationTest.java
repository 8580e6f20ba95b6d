package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketlake.common.spark.TestSpark;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ModelEvaluationTest {
  private static final StructType SCORED = new StructType()
      .add("label_up", "double").add("prediction", "double")
      .add("rawPrediction", SQLDataTypes.VectorType()).add("ret_h", "double");

  /** label, score of "up" (the model predicts up when it is positive), the last move's return. */
  private static Dataset<Row> scored(double[][] rows) {
    List<Row> out = new ArrayList<>();
    for (double[] r : rows) {
      out.add(RowFactory.create(r[0], r[1] > 0 ? 1.0 : 0.0, Vectors.dense(-r[1], r[1]), r[2]));
    }
    return TestSpark.get().createDataFrame(out, SCORED);
  }

  @Test
  void metricsAndBaselinesFromHandCountedRows() {
    // 3 up, 2 down. Predicted up: rows 1, 2, 4 → TP 2 (rows 1, 2), TN 1 (row 5).
    // Last move up (ret_h > 0): rows 1, 3, 5 → agrees with the label on rows 1, 3, 4.
    ModelEvaluation e = ModelEvaluation.of(scored(new double[][] {
        {1, 0.9, 0.01}, {1, 0.8, -0.01}, {1, -0.2, 0.02}, {0, 0.5, -0.03}, {0, -0.7, 0.01}}),
        false);

    assertThat(e.rows()).isEqualTo(5);
    assertThat(e.accuracy()).isCloseTo(3.0 / 5, within(1e-12));
    assertThat(e.balancedAccuracy()).isCloseTo((2.0 / 3 + 1.0 / 2) / 2, within(1e-12));
    assertThat(e.majorityAccuracy()).as("training majority was down").isCloseTo(2.0 / 5,
        within(1e-12));
    assertThat(e.lastMoveAccuracy()).isCloseTo(3.0 / 5, within(1e-12));
    assertThat(e.upFraction()).isCloseTo(3.0 / 5, within(1e-12));
    // Ranked by score: up .9, up .8, down .5, up -.2, down -.7: of the 3 × 2 (up, down) pairs,
    // the up row scores higher in 5 (all but (-.2, .5)).
    assertThat(e.auc()).isCloseTo(5.0 / 6, within(1e-12));
  }

  @Test
  void foldsAreWeightedByTheirTestRows() {
    ModelEvaluation small = new ModelEvaluation(100, 0.6, 0.5, 0.5, 0.5, 0.4, 0.5);
    ModelEvaluation large = new ModelEvaluation(300, 0.5, 0.7, 0.6, 0.3, 0.6, 0.3);

    ModelEvaluation mean = ModelEvaluation.weightedMean(List.of(small, large));

    assertThat(mean.rows()).isEqualTo(400);
    assertThat(mean.auc()).isCloseTo((0.6 * 100 + 0.5 * 300) / 400, within(1e-12));
    assertThat(mean.accuracy()).isCloseTo((0.5 * 100 + 0.7 * 300) / 400, within(1e-12));
    assertThat(mean.lastMoveAccuracy()).isCloseTo((0.4 * 100 + 0.6 * 300) / 400, within(1e-12));
  }
}
