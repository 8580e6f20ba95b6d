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
  void noFeatureLooksFurtherBackThanMaxLag() {
    int minutes = 400;
    int changedUntil = 100;
    SyntheticCandles base = new SyntheticCandles().path("LINKUSDT", minutes, 7, 0.001, 0, 0);
    List<Row> baseRows = base.toDataset(spark).orderBy("open_time").collectAsList();
    // Minutes 0..changedUntil replaced by another seed's path; everything later is the same.
    List<Row> other = new SyntheticCandles().path("LINKUSDT", minutes, 9, 0.001, 0, 0)
        .toDataset(spark).orderBy("open_time").collectAsList();
    SyntheticCandles altered = new SyntheticCandles();
    for (int m = 0; m < minutes; m++) {
      Row r = m <= changedUntil ? other.get(m) : baseRows.get(m);
      altered.add("LINKUSDT", m, r.getDecimal(3).toPlainString(), r.getDecimal(4).toPlainString(),
          r.getDecimal(5).toPlainString(), r.getDecimal(6).toPlainString(),
          r.getDecimal(7).toPlainString(), r.getLong(9));
    }
    List<Row> original = Features.compute(base.toDataset(spark), 15).orderBy("open_time")
        .collectAsList();
    List<Row> changed = Features.compute(altered.toDataset(spark), 15).orderBy("open_time")
        .collectAsList();

    // Features at minute t read minutes (t - MAX_LAG, t]: from changedUntil + MAX_LAG on, none
    // may differ; and the one just before must differ in some feature, or MAX_LAG is too large.
    int firstClean = changedUntil + Features.MAX_LAG;
    for (int i = 0; i < original.size(); i++) {
      int minute = i + Features.MAX_LAG;
      if (minute < firstClean) continue;
      for (String feature : Features.COLUMNS) {
        assertThat(changed.get(i).<Double>getAs(feature)).as("%s at minute %d", feature, minute)
            .isEqualTo(original.get(i).<Double>getAs(feature));
      }
    }
    Row lastTouchedBefore = original.get(firstClean - 1 - Features.MAX_LAG);
    Row lastTouchedAfter = changed.get(firstClean - 1 - Features.MAX_LAG);
    assertThat(Features.COLUMNS).as("the longest look-back reaches minute %d", changedUntil)
        .anyMatch(f -> !java.util.Objects.equals(lastTouchedBefore.getAs(f),
            lastTouchedAfter.getAs(f)));
  }

  @Test
  void returnsLabelsAndFlatMoves() {
    int lag = Features.MAX_LAG;
    SyntheticCandles candles = new SyntheticCandles();
    for (int m = 0; m <= lag + 20; m++) {
      // flat except two moves
      String close = m == lag + 20 ? "12" : m == lag + 2 ? "9" : "10";
      candles.add("NEARUSDT", m, "10", "12", "9", close, "5", 5);
    }
    List<Row> rows = Features.compute(candles.toDataset(spark), 2).orderBy("open_time")
        .collectAsList();
    Row first = rows.get(0);   // the first row with MAX_LAG minutes of history
    assertThat(first.<Timestamp>getAs("open_time").getTime())
        .isEqualTo(SyntheticCandles.T0 + lag * 60_000L);
    assertThat(first.<Double>getAs("label_up")).as("10 → 9: down").isEqualTo(0.0);
    Row dip = rows.get(2);
    assertThat(dip.<Double>getAs("ret_1")).isCloseTo(Math.log(9.0 / 10.0), within(1e-12));
    assertThat(dip.<Double>getAs("label_up")).as("9 → 10: up").isEqualTo(1.0);
    Row flat = rows.get(10);
    assertThat(flat.<Double>getAs("label_up")).as("10 → 10: flat, no label").isNull();
    assertThat(flat.<Double>getAs("rsi_14")).as("equal gains and losses")
        .isCloseTo(50.0, within(1e-9));
    Row last = rows.get(19);
    assertThat(last.<Double>getAs("label_up")).as("future unknown").isNull();
  }

  @Test
  void gapsLeaveLookBacksAndLabelsMissingRatherThanStretched() {
    int lag = Features.MAX_LAG;
    SyntheticCandles candles = new SyntheticCandles();
    for (int m = 0; m <= lag + 30; m++) {
      if (m == lag + 5 || m == lag + 12) continue;   // two missing minutes
      candles.add("NEARUSDT", m, "10", "12", "9", m % 2 == 0 ? "10" : "11", "5", 5);
    }
    java.util.Map<Long, Row> byMinute = new java.util.HashMap<>();
    for (Row r : Features.compute(candles.toDataset(spark), 3).collectAsList()) {
      byMinute.put((r.<Timestamp>getAs("open_time").getTime() - SyntheticCandles.T0) / 60_000, r);
    }
    assertThat(byMinute).hasSize(31 - 2).doesNotContainKeys((long) lag + 5, (long) lag + 12);
    // The close 3 minutes after lag+2 is missing: no label, although a row exists 3 rows later.
    assertThat(byMinute.get((long) lag + 2).<Double>getAs("label_up")).isNull();
    assertThat(byMinute.get((long) lag + 3).<Double>getAs("label_up")).as("11 → 10: down")
        .isEqualTo(0.0);
    // ret_5 at lag+10 would need lag+5; ret_1 at lag+6 would need lag+5.
    assertThat(byMinute.get((long) lag + 10).<Double>getAs("ret_5")).isNull();
    assertThat(byMinute.get((long) lag + 6).<Double>getAs("ret_1")).isNull();
    assertThat(byMinute.get((long) lag + 11).<Double>getAs("ret_5"))
        .isCloseTo(Math.log(11.0 / 10.0), within(1e-12));
  }
}
