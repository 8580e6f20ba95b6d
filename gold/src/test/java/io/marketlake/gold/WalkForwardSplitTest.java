package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.UsageException;
import io.marketlake.common.spark.TestSpark;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class WalkForwardSplitTest {
  private static final Instant FIRST = Instant.parse("2026-02-01T01:00:00Z");
  private static final Instant LAST = Instant.parse("2026-02-08T00:00:00Z");

  @Test
  void noTrainingLabelWindowReachesItsTestPeriod() {
    int horizon = 15;
    Duration embargo = WalkForwardSplit.embargo(Features.MAX_LAG, horizon);
    List<WalkForwardSplit.Fold> folds = WalkForwardSplit.folds(FIRST, LAST, 4, embargo);

    assertThat(folds).hasSize(4);
    for (WalkForwardSplit.Fold fold : folds) {
      // The last training row starts one minute before trainEnd; its label needs horizon more.
      Instant lastTrainingLabelEnd = fold.trainEnd().minusSeconds(60).plusSeconds(horizon * 60L);
      assertThat(lastTrainingLabelEnd).isBefore(fold.testStart());
      // ... and the test rows' look-back never reaches a training label's window either.
      assertThat(lastTrainingLabelEnd)
          .isBefore(fold.testStart().minusSeconds(Features.MAX_LAG * 60L));
      assertThat(fold.from()).isEqualTo(FIRST);
      assertThat(fold.testEnd()).isAfter(fold.testStart());
    }
    for (int i = 1; i < folds.size(); i++) {
      assertThat(folds.get(i).testStart()).isEqualTo(folds.get(i - 1).testEnd());
    }
    assertThat(folds.get(3).testEnd()).isAfter(LAST);
  }

  @Test
  void noTrainingRowsLabelWindowOverlapsItsFoldsTestRows() {
    // Two days of minute rows, cut exactly as TrainJob cuts them.
    int horizon = 15;
    Instant first = Instant.parse("2026-02-01T00:00:00Z");
    Dataset<Row> rows = TestSpark.get().range(2 * 24 * 60)
        .selectExpr("timestamp_millis(" + first.toEpochMilli() + " + id * 60000) AS open_time");
    List<WalkForwardSplit.Fold> folds = WalkForwardSplit.folds(first,
        first.plus(Duration.ofMinutes(2 * 24 * 60 - 1)), 3,
        WalkForwardSplit.embargo(Features.MAX_LAG, horizon));

    for (WalkForwardSplit.Fold fold : folds) {
      Row train = TrainJob.between(rows, fold.from(), fold.trainEnd())
          .selectExpr("count(*)", "max(open_time) + make_dt_interval(0, 0, " + horizon + ")")
          .first();
      Row test = TrainJob.between(rows, fold.testStart(), fold.testEnd())
          .selectExpr("count(*)", "min(open_time)", "max(open_time)").first();
      assertThat(train.getLong(0)).isPositive();
      assertThat(test.getLong(0)).isPositive();
      Instant lastLabelEnd = train.getTimestamp(1).toInstant();   // the latest close any label saw
      Instant firstTest = test.getTimestamp(1).toInstant();
      assertThat(lastLabelEnd).as("fold %d", fold.number()).isBefore(firstTest);
      // Nor does the first test row's MAX_LAG look-back reach a price a training label used.
      assertThat(lastLabelEnd).isBefore(firstTest.minus(Duration.ofMinutes(Features.MAX_LAG)));
      assertThat(test.getTimestamp(2).toInstant()).isBefore(fold.testEnd());
    }
    // Every row after the first block is tested exactly once.
    long tested = folds.stream()
        .mapToLong(f -> TrainJob.between(rows, f.testStart(), f.testEnd()).count()).sum();
    assertThat(tested).isEqualTo(rows.count()
        - TrainJob.between(rows, first, folds.get(0).testStart()).count());
  }

  @Test
  void tooLittleHistoryIsAClearError() {
    assertThatThrownBy(() -> WalkForwardSplit.folds(FIRST, FIRST.plusSeconds(3600 * 4), 3,
        WalkForwardSplit.embargo(60, 15)))
        .isInstanceOf(UsageException.class)
        .hasMessage("Not enough history for 3 walk-forward folds: 240 minutes of labelled"
            + " features, need more than 300 (ingest more days or lower --folds)");
  }
}
