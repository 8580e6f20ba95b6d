package io.marketlake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.CompletenessReport.MissingRange;
import io.marketlake.common.spark.CompletenessReport.SymbolCompleteness;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletenessReportTest {
  @Test
  void aRangeSplitAtMidnightIsOneRange() {
    List<MissingRange> joined = CompletenessReport.joinAdjacent(List.of(
        range("2026-02-01T23:50:00Z", "2026-02-02T00:00:00Z"),
        range("2026-02-02T00:00:00Z", "2026-02-02T00:10:00Z"),
        range("2026-02-02T01:00:00Z", "2026-02-02T01:01:00Z")));

    assertThat(joined).containsExactly(range("2026-02-01T23:50:00Z", "2026-02-02T00:10:00Z"),
        range("2026-02-02T01:00:00Z", "2026-02-02T01:01:00Z"));
    assertThat(joined.get(0).minutes()).isEqualTo(20);
  }

  @Test
  void oneMissingMinuteInAWeekIsNotShownAs100Percent() {
    // 10,079 of 10,080 minutes present = 99.990...%, rounded down.
    SymbolCompleteness week = new SymbolCompleteness("binance", "LINKUSDT", 10_080, 10_079, 0,
        List.of(range("2026-02-01T10:00:00Z", "2026-02-01T10:01:00Z")));
    assertThat(week.summary()).isEqualTo("LINKUSDT 99.99% (1 missing range, 1 min)");

    SymbolCompleteness complete = new SymbolCompleteness("binance", "LINKUSDT", 1_410, 1_410, 30,
        List.of());
    assertThat(complete.summary())
        .isEqualTo("LINKUSDT 100.00% (no missing minutes; 30 min the exchange had none)");
  }

  private static MissingRange range(String start, String end) {
    return new MissingRange("binance", "LINKUSDT", Instant.parse(start), Instant.parse(end));
  }
}
