package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SoakTest {
  @Test
  void aQueryWithoutBatchesInOnePartOfTheRunShowsADashNotNaN() {
    assertThat(Soak.orDash(Double.NaN)).isEqualTo("–");
    assertThat(Soak.orDash(8.33 / 3.64)).isEqualTo("2.29");
  }
}
