package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.MarketMessage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinalCandlesTest {
  static final long TEN = Instant.parse("2026-02-01T10:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  static MarketMessage candle(long openTime) {
    BigDecimal one = BigDecimal.ONE;
    return MarketMessage.candle("binance", "BTCUSDT", "1m", openTime, openTime + MIN - 1, one, one,
        one, one, one, null, null, null, null, 0);
  }

  @Test
  void aMinuteIsFinalOnlyOnceTheExchangeClockIsPastItsCloseTime() {
    // 09:59 closes at 09:59:59.999: final at 10:00:00.000, not a millisecond earlier
    assertThat(FinalCandles.closedEnd(TEN)).isEqualTo(TEN);
    assertThat(FinalCandles.closedEnd(TEN - 1)).isEqualTo(TEN - MIN);
    assertThat(FinalCandles.closedEnd(TEN + 59_999)).isEqualTo(TEN);
  }

  @Test
  void anAnswerIsFinalUpToItsFirstCandleThatIsNot() {
    List<MarketMessage> answer = List.of(candle(TEN - 2 * MIN), candle(TEN - MIN), candle(TEN));

    // the exchange said 10:00:30: 10:00 is still forming
    FinalCandles.Split split = FinalCandles.split(answer, TEN + 5 * MIN, TEN + 30_000);

    assertThat(split.closed()).extracting(MarketMessage::openTime)
        .containsExactly(TEN - 2 * MIN, TEN - MIN);
    assertThat(split.finalEnd()).isEqualTo(TEN);
  }

  @Test
  void withoutAReportedTimeTheEndAskedForDecides() {
    List<MarketMessage> answer = List.of(candle(TEN - 2 * MIN), candle(TEN - MIN));

    FinalCandles.Split split = FinalCandles.split(answer, TEN, MarketSource.TIME_NOT_REPORTED);

    assertThat(split.closed()).hasSize(2);
    assertThat(split.finalEnd()).isEqualTo(TEN);
    // a candle that reports closing past the end asked for is not taken
    assertThat(FinalCandles.split(answer, TEN - MIN, MarketSource.TIME_NOT_REPORTED).closed())
        .extracting(MarketMessage::openTime).containsExactly(TEN - 2 * MIN);
  }
}
