package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WeightBudgetTest {
  static final Instant START = Instant.parse("2026-02-01T00:00:17Z");

  @Test
  void backfillPaceStaysUnderTheLimitAndUsesAtLeast80PercentOfIt() throws Exception {
    FakeTime time = new FakeTime(START);
    WeightBudget budget = WeightBudget.binance(6000, time, time.sleeper());
    // weight sent per exchange minute (the exchange counts in windows starting at each minute)
    Map<Long, Integer> perMinute = new TreeMap<>();
    long end = START.plus(Duration.ofMinutes(6)).toEpochMilli();
    while (time.millis() < end) {
      budget.acquire(BinanceSource.KLINES_WEIGHT);
      perMinute.merge(time.millis() / 60_000, BinanceSource.KLINES_WEIGHT, Integer::sum);
      time.advance(Duration.ofMillis(5)); // each request takes 5 ms
    }

    assertThat(perMinute.values()).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(6000));
    // every whole minute after the first (partial) one
    assertThat(perMinute.values().stream().skip(1).limit(5))
        .hasSize(5)
        .allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(4800));
  }

  @Test
  void adoptsAHigherCountReportedByTheExchange() throws Exception {
    FakeTime time = new FakeTime(START);
    WeightBudget budget = WeightBudget.binance(6000, time, time.sleeper());
    long window = budget.acquire(2);

    budget.observe(window, 5396); // another process on our IP used most of the minute
    budget.acquire(2);
    budget.acquire(2);

    assertThat(time.sleeps).isEmpty();
    budget.acquire(2); // 5400 + 2 > 5400 (90% of 6000): must wait for the next window
    assertThat(time.sleeps).singleElement()
        .satisfies(d -> assertThat(time.millis() % 60_000).isEqualTo(WeightBudget.WINDOW_SLACK_MS));
  }

  @Test
  void ignoresACountFromAnEarlierWindow() throws Exception {
    FakeTime time = new FakeTime(START);
    WeightBudget budget = WeightBudget.binance(6000, time, time.sleeper());
    long window = budget.acquire(2);
    time.advance(Duration.ofMinutes(1));

    budget.observe(window, 5990);

    assertThat(budget.usedInWindow()).isZero();
  }
}
