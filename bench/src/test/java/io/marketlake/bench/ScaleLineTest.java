package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scale line's growth exponent and the candles it feeds bronze. */
class ScaleLineTest {
  @Test
  void growthExponentIsOneForLinearZeroForFixedAndTwoForQuadraticCost() {
    assertThat(ScaleLine.growthExponent(43_200, 2.0, 432_000, 20.0)).isCloseTo(1.0, within(1e-9));
    assertThat(ScaleLine.growthExponent(43_200, 5.0, 432_000, 5.0)).isCloseTo(0.0, within(1e-9));
    assertThat(ScaleLine.growthExponent(1_000, 1.0, 10_000, 100.0)).isCloseTo(2.0, within(1e-9));
    // Fixed costs spreading out: 10x the rows for 3x the time.
    assertThat(ScaleLine.growthExponent(1_000, 10.0, 10_000, 30.0))
        .isLessThan(ScaleLine.LINEAR).isGreaterThan(0.4);
  }

  @Test
  void everySymbolGetsEveryMinuteOnceAndTheMinutesFollowEachOther() {
    int symbols = 7;
    Set<String> keys = new HashSet<>();
    for (long i = 0; i < symbols * 1440L; i++) {
      assertThat(keys.add(SyntheticCandles.symbol(i, symbols) + "@"
          + SyntheticCandles.openTime(i, symbols))).isTrue();
    }
    assertThat(keys).hasSize(symbols * 1440);
    assertThat(SyntheticCandles.openTime(symbols * 1440L - 1, symbols))
        .isEqualTo(SyntheticCandles.START_MS + 1439 * 60_000L);
    assertThat(SyntheticCandles.symbol(symbols, symbols)).isEqualTo("SYM0USDT");
  }
}
