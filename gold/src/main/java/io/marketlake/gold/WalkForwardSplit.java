package io.marketlake.gold;

import io.marketlake.common.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Time-ordered, embargoed walk-forward folds.
 *
 * <p>The time range is cut into {@code folds + 1} equal blocks. Fold {@code i} tests on block
 * {@code i} and trains on everything before it, less an embargo gap. A training row at time t has
 * features looking back to t − maxLag and a label looking ahead to t + horizon; with an embargo of
 * maxLag + horizon, no training label can see into the test block, and the test block's first
 * features do not reuse the prices that the last training labels were computed from.
 */
final class WalkForwardSplit {
  /** One fold: train on {@code [from, trainEnd)}, test on {@code [testStart, testEnd)}. */
  record Fold(int number, Instant from, Instant trainEnd, Instant testStart, Instant testEnd) {}

  private WalkForwardSplit() {}

  static Duration embargo(int maxLagMinutes, int horizonMinutes) {
    return Duration.ofMinutes(maxLagMinutes + horizonMinutes);
  }

  /**
   * @param first the earliest labelled row's time
   * @param last the latest labelled row's time
   */
  static List<Fold> folds(Instant first, Instant last, int folds, Duration embargo) {
    if (folds < 1) throw new UsageException("--folds must be at least 1, got " + folds);
    Instant end = last.plusMillis(1);
    long blockMillis = Duration.between(first, end).toMillis() / (folds + 1);
    if (blockMillis <= embargo.toMillis()) {
      throw new UsageException("Not enough history for " + folds + " walk-forward folds: "
          + Duration.between(first, end).toMinutes() + " minutes of labelled features, need more"
          + " than " + (folds + 1) * embargo.toMinutes() + " (ingest more days or lower --folds)");
    }
    List<Fold> out = new ArrayList<>();
    for (int i = 1; i <= folds; i++) {
      Instant testStart = first.plusMillis(blockMillis * i);
      Instant testEnd = i == folds ? end : first.plusMillis(blockMillis * (i + 1));
      out.add(new Fold(i, first, testStart.minus(embargo), testStart, testEnd));
    }
    return out;
  }
}
