package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.marketlake.common.spark.TestSpark;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class FeaturesTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void featuresUseOnlyThePastAndLabelsOnlyTheFuture() {
    int minutes = 200;
    List<Row> original = Features.compute(
        new SyntheticCandles().path("LINKUSDT", minutes, 7, 0.001, 0, 0).toDataset(spark), 15)
        .orderBy("open_time").collectAsList();
    // Same path, but minute 150 onwards replaced by another seed's path.
    SyntheticCandles altered = new SyntheticCandles();
    List<Row> base = new SyntheticCandles().path("LINKUSDT", minutes, 7, 0.001, 0, 0)
        .toDataset(spark).orderBy("open_time").collectAsList();
    List<Row> other = new SyntheticCandles().path("LINKUSDT", minutes, 8, 0.001, 0, 0)
        .toDataset(spark).orderBy("open_time").collectAsList();
    for (int m = 0; m < minutes; m++) {
      Row r = m < 150 ? base.get(m) : other.get(m);
      altered.add("LINKUSDT", m, r.getDecimal(3).toPlainString(), r.getDecimal(4).toPlainString(),
          r.getDecimal(5).toPlainString(), r.getDecimal(6).toPlainString(),
          r.getDecimal(7).toPlainString(), r.getLong(9));
    }
    List<Row> changed = Features.compute(altered.toDataset(spark), 15).orderBy("open_time")
        .collectAsList();

    assertThat(original).hasSize(minutes - Features.MAX_LAG);
    for (int i = 0; i < original.size(); i++) {
      int minute = i + Features.MAX_LAG;
      for (String feature : Features.COLUMNS) {
        Double before = original.get(i).getAs(feature);
        Double after = changed.get(i).getAs(feature);
        if (minute < 150) {
          assertThat(after).as("%s at minute %d", feature, minute).isEqualTo(before);
        }
      }
      // Labels at minute t look at t + 15: unchanged only while t + 15 < 150.
      if (minute + 15 < 150) {
        assertThat(changed.get(i).<Double>getAs("label_up"))
            .isEqualTo(original.get(i).<Double>getAs("label_up"));
      }
    }
  }

  @Test
  void returnsLabelsAndFlatMoves() {
    SyntheticCandles candles = new SyntheticCandles();
    for (int m = 0; m <= 80; m++) {
      String close = m == 80 ? "12" : m == 62 ? "9" : "10";   // flat except two moves
      candles.add("NEARUSDT", m, "10", "12", "9", close, "5", 5);
    }
    List<Row> rows = Features.compute(candles.toDataset(spark), 2).orderBy("open_time")
        .collectAsList();
    Row at60 = rows.get(0);   // first row with 60 minutes of history
    assertThat(at60.<Timestamp>getAs("open_time").getTime())
        .isEqualTo(SyntheticCandles.T0 + 60 * 60_000L);
    assertThat(at60.<Double>getAs("label_up")).as("10 → 9: down").isEqualTo(0.0);
    Row at62 = rows.get(2);
    assertThat(at62.<Double>getAs("ret_1")).isCloseTo(Math.log(9.0 / 10.0), within(1e-12));
    assertThat(at62.<Double>getAs("label_up")).as("9 → 10: up").isEqualTo(1.0);
    Row at70 = rows.get(10);
    assertThat(at70.<Double>getAs("label_up")).as("10 → 10: flat, no label").isNull();
    assertThat(at70.<Double>getAs("rsi_14")).as("equal gains and losses").isCloseTo(50.0, within(1e-9));
    Row at79 = rows.get(19);
    assertThat(at79.<Double>getAs("label_up")).as("future unknown").isNull();
  }
}
