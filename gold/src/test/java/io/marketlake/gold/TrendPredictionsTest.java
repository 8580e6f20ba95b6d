package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class TrendPredictionsTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void anOutcomeIsTheCloseAHorizonLaterAgainstTheCloseThenAndPendsWhileEitherIsMissing() {
    // Horizon 2 minutes. AAA closes 10, 10.5, 11, 10, 11 at minutes 0-4; minute 5 is missing.
    // BBB closes 5 at minute 0 and 4 at minute 2.
    Dataset<Row> closes = spark.sql("SELECT symbol, timestamp_millis(" + SyntheticCandles.T0
        + " + m * 60000) AS open_time, CAST(c AS DECIMAL(24, 8)) AS close FROM VALUES"
        + " ('AAAUSDT', 0, 10), ('AAAUSDT', 1, 10.5), ('AAAUSDT', 2, 11), ('AAAUSDT', 3, 10),"
        + " ('AAAUSDT', 4, 11), ('BBBUSDT', 0, 5), ('BBBUSDT', 2, 4) AS v(symbol, m, c)");
    Dataset<Row> pending = spark.sql("SELECT symbol, timestamp_millis(" + SyntheticCandles.T0
        + " + m * 60000) AS as_of, 2 AS horizon_minutes, 7 AS model_version, direction"
        + " FROM VALUES ('AAAUSDT', 0, 'up'), ('AAAUSDT', 1, 'up'), ('AAAUSDT', 2, 'down'),"
        + " ('AAAUSDT', 3, 'down'), ('BBBUSDT', 0, 'down'), ('BBBUSDT', 1, 'up')"
        + " AS v(symbol, m, direction)");

    List<Row> outcomes = TrendPredictions.outcomes(pending, closes)
        .orderBy("symbol", "as_of").collectAsList();

    // AAA@0: 10 → 11 up, predicted up: hit. AAA@1: 10.5 → 10 down, predicted up: miss.
    // AAA@2: 11 → 11 flat: no hit either way. AAA@3: minute 5 missing: pending, no row.
    // BBB@0: 5 → 4 down, predicted down: hit (never compared with AAA's closes).
    // BBB@1: no close at minute 1: pending.
    assertThat(outcomes).extracting(r -> r.getString(0) + "@" + minute(r.getTimestamp(1)) + " "
            + r.getAs("actual_direction") + " " + r.getAs("hit") + " v"
            + r.getAs("model_version") + " h" + r.getAs("horizon_minutes"))
        .containsExactly("AAAUSDT@0 up true v7 h2", "AAAUSDT@1 down false v7 h2",
            "AAAUSDT@2 flat null v7 h2", "BBBUSDT@0 down true v7 h2");
    assertThat(outcomes).allSatisfy(r -> assertThat(r.<Timestamp>getAs("outcome_at")).isNotNull());
  }

  @Test
  void onlyMinutesAfterDataToArePredictableAndOfThoseEachSymbolsLatest() {
    Dataset<Row> features = spark.sql("SELECT symbol, timestamp_millis(" + SyntheticCandles.T0
        + " + m * 60000) AS open_time FROM VALUES ('AAAUSDT', 8), ('AAAUSDT', 9), ('AAAUSDT', 10),"
        + " ('AAAUSDT', 11), ('AAAUSDT', 12), ('BBBUSDT', 7), ('BBBUSDT', 9), ('BBBUSDT', 10)"
        + " AS v(symbol, m)");

    // data_to is minute 9; the latest 2 minutes per symbol: AAA 11-12, BBB 9-10, and of BBB's
    // only 10 is after data_to.
    List<Row> rows = TrendPredictions.predictable(features,
            new Timestamp(SyntheticCandles.T0 + 9 * 60_000L), 2)
        .orderBy("symbol", "open_time").collectAsList();

    assertThat(rows).extracting(r -> r.getString(0) + "@" + minute(r.getTimestamp(1)))
        .containsExactly("AAAUSDT@11", "AAAUSDT@12", "BBBUSDT@10");
  }

  private static long minute(Timestamp t) {
    return (t.getTime() - SyntheticCandles.T0) / 60_000;
  }
}
