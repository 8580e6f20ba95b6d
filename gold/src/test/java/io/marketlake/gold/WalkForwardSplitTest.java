package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  void tooLittleHistoryIsAClearError() {
    assertThatThrownBy(() -> WalkForwardSplit.folds(FIRST, FIRST.plusSeconds(3600 * 4), 3,
        WalkForwardSplit.embargo(60, 15)))
        .isInstanceOf(UsageException.class)
        .hasMessage("Not enough history for 3 walk-forward folds: 240 minutes of labelled"
            + " features, need more than 300 (ingest more days or lower --folds)");
  }
}
