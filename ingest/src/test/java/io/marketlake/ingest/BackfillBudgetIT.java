package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The measurement, sped up: 30 days × 5 symbols against the simulated exchange enforcing a
 * weight limit, scaled to a 1 s window (40 weight, so about 13 windows of pacing instead of none).
 */
class BackfillBudgetIT {

  @Test
  void backfillOf30DaysTimes5SymbolsGetsNo429AndUsesAtLeast80PercentOfTheBudget()
      throws Exception {
    BackfillBenchmark.Result result = BackfillBenchmark.run(30, 5, 40, Duration.ofSeconds(1));
    System.out.println(result.report());

    assertThat(result.candles()).isEqualTo(30 * 1440 * 5);
    assertThat(result.clientSaw429()).isZero();
    assertThat(result.exchangeSent429()).isZero();
    assertThat(result.weightPerWindow().size()).as("windows paced").isGreaterThanOrEqualTo(10);
    assertThat(result.weightPerWindow().values())
        .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(40));
    assertThat(result.budgetFraction()).isGreaterThanOrEqualTo(0.8);
  }
}
