package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class DailyChangeTest {
  private static final int DAY = 1440;
  private final SparkSession spark = TestSpark.get();

  /** Minute 0 lies exactly 24 h before the last candle (minute 1440): outside the window. */
  private static SyntheticCandles candles() {
    return new SyntheticCandles()
        .add("LINKUSDT", 0, "5", "50", "1", "5", "1000", 100)      // outside: 24 h before as_of
        .add("LINKUSDT", 1, "10", "10.5", "9.5", "10.2", "2", 3)   // first inside: open_24h 10
        .add("LINKUSDT", 700, "10.2", "13", "10.1", "12", "4", 5)  // high_24h 13
        .add("LINKUSDT", 900, "12", "12.1", "8.5", "9", "6", 7)    // low_24h 8.5
        .add("LINKUSDT", DAY, "9", "11.5", "9", "11", "8", 9)      // last: 11
        .add("NEARUSDT", 3, "2", "2.2", "1.9", "2.1", "10", 1);
  }

  @Test
  void everyFieldOfTheRolling24Hours() {
    List<Row> rows = DailyChange.compute(candles().toDataset(spark)).orderBy("symbol")
        .collectAsList();

    Row link = rows.get(0);
    assertThat(link.<String>getAs("symbol")).isEqualTo("LINKUSDT");
    assertThat(link.<Timestamp>getAs("as_of").getTime())
        .isEqualTo(SyntheticCandles.T0 + DAY * 60_000L);
    assertThat(link.<BigDecimal>getAs("last_price")).isEqualByComparingTo("11");
    assertThat(link.<BigDecimal>getAs("open_24h")).isEqualByComparingTo("10");
    assertThat(link.<BigDecimal>getAs("change_24h")).isEqualByComparingTo("1");
    assertThat(link.<BigDecimal>getAs("change_24h_pct")).isEqualByComparingTo("10");
    assertThat(link.<BigDecimal>getAs("high_24h")).isEqualByComparingTo("13");
    assertThat(link.<BigDecimal>getAs("low_24h")).isEqualByComparingTo("8.5");
    assertThat(link.<BigDecimal>getAs("volume_24h")).isEqualByComparingTo("20");   // 2+4+6+8
    // quote volume = volume × close per candle: 2×10.2 + 4×12 + 6×9 + 8×11
    assertThat(link.<BigDecimal>getAs("quote_volume_24h")).isEqualByComparingTo("210.4");
    assertThat(link.<Long>getAs("trades_24h")).isEqualTo(24L);
    assertThat(link.<Long>getAs("candles_24h")).isEqualTo(4L);

    Row near = rows.get(1);
    assertThat(near.<BigDecimal>getAs("change_24h_pct")).isEqualByComparingTo("5");
    assertThat(near.<Long>getAs("candles_24h")).isEqualTo(1L);
  }

  @Test
  void anyStartEarlierThan24HoursBeforeTheNewestCandleGivesTheSameRow() {
    // What the gold job relies on when it reads only the candles after a symbol's newest change
    // less 24 hours: the row depends on the last 24 hours alone (minute 0 is left out here).
    Row all = DailyChange.compute(candles().toDataset(spark)).filter("symbol = 'LINKUSDT'")
        .drop("updated_at").first();
    Row recent = DailyChange.compute(candles().toDataset(spark)
            .filter("open_time > timestamp_millis(" + (SyntheticCandles.T0 + DAY * 60_000L) + ")"
                + " - INTERVAL 24 HOURS"))
        .filter("symbol = 'LINKUSDT'").drop("updated_at").first();
    assertThat(recent).isEqualTo(all);
  }
}
