package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class RollupsTest {
  private final SparkSession spark = TestSpark.get();

  /** Minutes 0-4 (a full 5m window, given out of order) and 5, 7 (a partial one). */
  private Dataset<Row> candles() {
    return new SyntheticCandles()
        .add("LINKUSDT", 3, "10.3", "10.9", "10.1", "10.4", "4", 40)
        .add("LINKUSDT", 0, "10.0", "10.2", "9.9", "10.1", "1", 10)
        .add("LINKUSDT", 4, "10.4", "10.5", "10.3", "10.45", "5", 50)
        .add("LINKUSDT", 1, "10.1", "10.3", "9.7", "10.2", "2", 20)
        .add("LINKUSDT", 2, "10.2", "10.4", "10.0", "10.3", "3", 30)
        .add("LINKUSDT", 5, "10.45", "10.6", "10.4", "10.5", "6", 60)
        .add("LINKUSDT", 7, "10.5", "10.7", "10.5", "10.6", "7", 70)
        .add("NEARUSDT", 0, "1.0", "1.1", "0.9", "1.05", "100", 5)
        .toDataset(spark);
  }

  @Test
  void fiveMinuteWindowsHaveExactOhlcvAndCompleteness() {
    List<Row> rows = Rollups.rollup(candles(), RollupWindow.FIVE_MINUTES)
        .orderBy("symbol", "window_start").collectAsList();

    assertThat(rows).hasSize(3);
    Row full = rows.get(0);
    assertThat(full.<String>getAs("window")).isEqualTo("5m");
    assertThat(full.<Timestamp>getAs("window_start").getTime()).isEqualTo(SyntheticCandles.T0);
    assertThat(full.<Timestamp>getAs("window_end").getTime())
        .isEqualTo(SyntheticCandles.T0 + 300_000);
    assertThat(full.<BigDecimal>getAs("open")).isEqualByComparingTo("10.0");
    assertThat(full.<BigDecimal>getAs("high")).isEqualByComparingTo("10.9");
    assertThat(full.<BigDecimal>getAs("low")).isEqualByComparingTo("9.7");
    assertThat(full.<BigDecimal>getAs("close")).isEqualByComparingTo("10.45");
    assertThat(full.<BigDecimal>getAs("volume")).isEqualByComparingTo("15");
    // quote volume = Σ volume × close = 1×10.1 + 2×10.2 + 3×10.3 + 4×10.4 + 5×10.45 = 155.25
    assertThat(full.<BigDecimal>getAs("quote_volume")).isEqualByComparingTo("155.25");
    assertThat(full.<Long>getAs("trades")).isEqualTo(150L);
    assertThat(full.<Long>getAs("candle_count")).isEqualTo(5L);
    assertThat(full.<Boolean>getAs("complete")).isTrue();

    Row partial = rows.get(1);
    assertThat(partial.<Timestamp>getAs("window_start").getTime())
        .isEqualTo(SyntheticCandles.T0 + 300_000);
    assertThat(partial.<Timestamp>getAs("window_end").getTime())
        .isEqualTo(SyntheticCandles.T0 + 600_000);
    assertThat(partial.<BigDecimal>getAs("open")).isEqualByComparingTo("10.45");
    assertThat(partial.<BigDecimal>getAs("close")).isEqualByComparingTo("10.6");
    assertThat(partial.<BigDecimal>getAs("high")).isEqualByComparingTo("10.7");
    assertThat(partial.<BigDecimal>getAs("low")).isEqualByComparingTo("10.4");
    assertThat(partial.<BigDecimal>getAs("volume")).isEqualByComparingTo("13");
    // 6×10.5 + 7×10.6 = 137.2
    assertThat(partial.<BigDecimal>getAs("quote_volume")).isEqualByComparingTo("137.2");
    assertThat(partial.<Long>getAs("trades")).isEqualTo(130L);
    assertThat(partial.<Long>getAs("candle_count")).isEqualTo(2L);
    assertThat(partial.<Boolean>getAs("complete")).isFalse();

    Row single = rows.get(2);
    assertThat(single.<String>getAs("symbol")).isEqualTo("NEARUSDT");
    assertThat(single.<Timestamp>getAs("window_start").getTime()).isEqualTo(SyntheticCandles.T0);
    assertThat(List.of(single.<BigDecimal>getAs("open"), single.<BigDecimal>getAs("high"),
            single.<BigDecimal>getAs("low"), single.<BigDecimal>getAs("close"),
            single.<BigDecimal>getAs("volume"), single.<BigDecimal>getAs("quote_volume")))
        .usingElementComparator(BigDecimal::compareTo)
        .containsExactly(new BigDecimal("1.0"), new BigDecimal("1.1"), new BigDecimal("0.9"),
            new BigDecimal("1.05"), new BigDecimal("100"), new BigDecimal("105"));
    assertThat(single.<Long>getAs("trades")).isEqualTo(5L);
    assertThat(single.<Long>getAs("candle_count")).isEqualTo(1L);
    assertThat(single.<Boolean>getAs("complete")).isFalse();
  }

  @Test
  void hourAndDayWindowsStartOnTheirUtcBoundaries() {
    Row hour = Rollups.rollup(candles(), RollupWindow.ONE_HOUR).filter("symbol = 'LINKUSDT'")
        .first();
    assertThat(hour.<String>getAs("window")).isEqualTo("1h");
    assertThat(hour.<Timestamp>getAs("window_start").getTime()).isEqualTo(SyntheticCandles.T0);
    assertThat(hour.<Timestamp>getAs("window_end").getTime())
        .isEqualTo(SyntheticCandles.T0 + 3_600_000);
    assertThat(hour.<BigDecimal>getAs("open")).isEqualByComparingTo("10.0");
    assertThat(hour.<BigDecimal>getAs("high")).isEqualByComparingTo("10.9");
    assertThat(hour.<BigDecimal>getAs("low")).isEqualByComparingTo("9.7");
    assertThat(hour.<BigDecimal>getAs("close")).isEqualByComparingTo("10.6");
    assertThat(hour.<BigDecimal>getAs("volume")).isEqualByComparingTo("28");
    assertThat(hour.<BigDecimal>getAs("quote_volume")).isEqualByComparingTo("292.45");
    assertThat(hour.<Long>getAs("trades")).isEqualTo(280L);
    assertThat(hour.<Long>getAs("candle_count")).isEqualTo(7L);
    assertThat(hour.<Boolean>getAs("complete")).isFalse();
    Row day = Rollups.rollup(candles(), RollupWindow.ONE_DAY).filter("symbol = 'LINKUSDT'")
        .first();
    assertThat(day.<String>getAs("window")).isEqualTo("1d");
    assertThat(day.<BigDecimal>getAs("open")).isEqualByComparingTo("10.0");
    assertThat(day.<BigDecimal>getAs("close")).isEqualByComparingTo("10.6");
    assertThat(day.<Long>getAs("trades")).isEqualTo(280L);
    assertThat(day.<Long>getAs("candle_count")).isEqualTo(7L);
    assertThat(day.<Boolean>getAs("complete")).isFalse();
    assertThat(day.<Timestamp>getAs("window_start").toInstant().toString())
        .isEqualTo("2026-02-01T00:00:00Z");
    assertThat(day.<Timestamp>getAs("window_end").toInstant().toString())
        .isEqualTo("2026-02-02T00:00:00Z");
  }

  @Test
  void aChangedCandleTouchesExactlyTheWindowsHoldingIt() {
    Dataset<Row> changed = new SyntheticCandles()
        .add("LINKUSDT", 7, "10.5", "10.8", "10.5", "10.6", "7", 70).toDataset(spark);
    List<Row> touched = Rollups.touchedWindows(changed, RollupWindow.FIVE_MINUTES)
        .collectAsList();
    assertThat(touched).hasSize(1);
    assertThat(touched.get(0).<Timestamp>getAs("window_start").getTime())
        .isEqualTo(SyntheticCandles.T0 + 300_000);
    List<Row> inside = Rollups.candlesIn(candles(), Rollups.touchedWindows(changed,
            RollupWindow.FIVE_MINUTES), RollupWindow.FIVE_MINUTES,
        new Timestamp(SyntheticCandles.T0), new Timestamp(SyntheticCandles.T0 + 600_000))
        .collectAsList();
    assertThat(inside).extracting(r -> r.<String>getAs("symbol") + "@"
            + (r.<Timestamp>getAs("open_time").getTime() - SyntheticCandles.T0) / 60_000)
        .containsExactlyInAnyOrder("LINKUSDT@5", "LINKUSDT@7");
  }
}
