package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WeightLimitTest {

  @Test
  void aShortWindowRollsAndRemembersTheWeightOfEachWindow() {
    AtomicLong now = new AtomicLong(10_000);
    WeightLimit budget = new WeightLimit(5, 1_000, now::get);

    assertThat(budget.acquire(2).allowed()).isTrue();
    assertThat(budget.acquire(2).allowed()).isTrue();
    WeightLimit.Outcome refused = budget.acquire(2);
    now.set(11_200);
    assertThat(budget.acquire(2).allowed()).isTrue();

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(budget.history()).containsExactly(
        java.util.Map.entry(10_000L, 4), java.util.Map.entry(11_000L, 2));
  }

  @Test
  void binancesMinuteIsTheDefault() {
    assertThat(ExchangeOptions.defaults().weightWindow()).hasMinutes(1);
    assertThat(new WeightLimit(6000, System::currentTimeMillis).windowMs()).isEqualTo(60_000);
  }
}
