package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cells of freshness's micro-batch table. */
class FreshnessTest {
  @Test
  void aQueryWithNoAttributedBatchesShowsADashNotNaN() {
    assertThat(Freshness.median("%.1f", new double[0], 1)).isEqualTo("–");
  }

  @Test
  void medianOfMillisecondsInSeconds() {
    assertThat(Freshness.median("%.2f", new double[] {3_000, 1_000, 2_500, 1_500}, 1000))
        .isEqualTo("2.00");
    assertThat(Freshness.median("%.0f", new double[] {12, 10, 20}, 1)).isEqualTo("12");
  }
}
