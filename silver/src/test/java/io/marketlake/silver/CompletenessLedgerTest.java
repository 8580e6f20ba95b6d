package io.marketlake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class CompletenessLedgerTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void countsPresentAnsweredEmptyAndMissingMinutesWithTheirRanges() {
    // Ten tracked minutes 00:00..00:09. Candles at 0, 2, 5, 6; the exchange answered [03, 05)
    // and [06, 08) as empty, but minute 6 has a candle, which wins. So: present 0,2,5,6 (4);
    // answered empty 3,4,7 (3); missing 1, 8, 9 (3) in two ranges; expected 10 - 3 = 7.
    Dataset<Row> windows = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " timestamp'2026-02-01 00:00:00' AS tracked_from,"
        + " timestamp'2026-02-01 00:10:00' AS tracked_until");
    Dataset<Row> candles = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 00:00:00' + make_dt_interval(0, 0, m) AS"
        + " open_time FROM VALUES (0), (2), (5), (6), (6) AS t(m)"
        // another symbol's candle and a 5m candle count for nothing here
        + " UNION ALL SELECT 'binance', 'ETHUSDT', '1m', timestamp'2026-02-01 00:01:00'"
        + " UNION ALL SELECT 'binance', 'BTCUSDT', '5m', timestamp'2026-02-01 00:01:00'");
    Dataset<Row> gaps = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 00:00:00' + make_dt_interval(0, 0, s) AS"
        + " gap_start, timestamp'2026-02-01 00:00:00' + make_dt_interval(0, 0, e) AS"
        + " gap_end_exclusive FROM VALUES (3, 5), (6, 8) AS t(s, e)");

    List<Row> rows = CompletenessLedger.compute(windows, candles, gaps).collectAsList();

    assertThat(rows).hasSize(1);
    Row day = rows.get(0);
    assertThat(day.getDate(day.fieldIndex("day")).toString()).isEqualTo("2026-02-01");
    assertThat(List.of(day.<Long>getAs("tracked_minutes"), day.<Long>getAs("expected_minutes"),
        day.<Long>getAs("present_minutes"), day.<Long>getAs("exchange_none_minutes"),
        day.<Long>getAs("missing_minutes"))).containsExactly(10L, 7L, 4L, 3L, 3L);
    assertThat(day.<Row>getList(day.fieldIndex("missing_ranges")).stream()
        .map(r -> minute(r.getTimestamp(0)) + "-" + minute(r.getTimestamp(1))).toList())
        .containsExactly("1-2", "8-10");
    assertThat(CompletenessLedger.compute(windows, candles, gaps).columns())
        .containsExactly(SilverTables.COMPLETENESS.fieldNames());
  }

  @Test
  void aCompleteDayHasNoMissingRanges() {
    Dataset<Row> windows = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " timestamp'2026-02-01 00:00:00' AS tracked_from,"
        + " timestamp'2026-02-01 00:03:00' AS tracked_until");
    Dataset<Row> candles = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 00:00:00' + make_dt_interval(0, 0, m) AS"
        + " open_time FROM VALUES (0), (1), (2) AS t(m)");
    Dataset<Row> noGaps = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 00:00:00' AS gap_start,"
        + " timestamp'2026-02-01 00:00:00' AS gap_end_exclusive").limit(0);

    Row day = CompletenessLedger.compute(windows, candles, noGaps).first();

    assertThat(day.<Long>getAs("missing_minutes")).isZero();
    assertThat(day.<Long>getAs("present_minutes")).isEqualTo(3);
    assertThat(day.getList(day.fieldIndex("missing_ranges"))).isEmpty();
  }

  @Test
  void aWindowWithNoCandleAndNoAnswerIsOneMissingRange() {
    Dataset<Row> windows = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " timestamp'2026-02-01 10:00:00' AS tracked_from,"
        + " timestamp'2026-02-01 10:30:00' AS tracked_until");
    Dataset<Row> noCandles = spark.sql("SELECT 'binance' AS source, 'ETHUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 10:05:00' AS open_time");
    Dataset<Row> noGaps = spark.sql("SELECT 'binance' AS source, 'BTCUSDT' AS symbol,"
        + " '1m' AS interval, timestamp'2026-02-01 11:00:00' AS gap_start,"
        + " timestamp'2026-02-01 11:10:00' AS gap_end_exclusive");

    Row day = CompletenessLedger.compute(windows, noCandles, noGaps).first();

    assertThat(List.of(day.<Long>getAs("tracked_minutes"), day.<Long>getAs("expected_minutes"),
        day.<Long>getAs("present_minutes"), day.<Long>getAs("exchange_none_minutes"),
        day.<Long>getAs("missing_minutes"))).containsExactly(30L, 30L, 0L, 0L, 30L);
    assertThat(day.<Row>getList(day.fieldIndex("missing_ranges")).stream()
        .map(r -> r.getTimestamp(0).toInstant() + "/" + r.getTimestamp(1).toInstant()).toList())
        .containsExactly("2026-02-01T10:00:00Z/2026-02-01T10:30:00Z");
  }

  @Test
  void aNewSymbolsFirstAndLastDayAreClippedToItsSpan() {
    CompletenessLedger.Span batch = span("2026-02-01T22:00:00Z", "2026-02-02T01:30:00Z");

    assertThat(CompletenessLedger.windows(batch, null)).containsExactly(
        window("2026-02-01T22:00:00Z", "2026-02-02T00:00:00Z"),
        window("2026-02-02T00:00:00Z", "2026-02-02T01:30:00Z"));
  }

  @Test
  void aLaterBatchRecomputesTheOldLastDayAndEveryDayInBetween() {
    CompletenessLedger.Span tracked = span("2026-02-01T22:00:00Z", "2026-02-02T01:30:00Z");
    CompletenessLedger.Span batch = span("2026-02-04T10:00:00Z", "2026-02-04T10:01:00Z");

    assertThat(CompletenessLedger.windows(batch, tracked)).containsExactly(
        window("2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"),
        window("2026-02-03T00:00:00Z", "2026-02-04T00:00:00Z"),
        window("2026-02-04T00:00:00Z", "2026-02-04T10:01:00Z"));
  }

  @Test
  void anEarlierBackfillRecomputesUpToTheOldFirstDay() {
    CompletenessLedger.Span tracked = span("2026-02-03T12:00:00Z", "2026-02-04T00:00:00Z");
    CompletenessLedger.Span batch = span("2026-02-01T23:00:00Z", "2026-02-02T00:00:00Z");

    assertThat(CompletenessLedger.windows(batch, tracked)).containsExactly(
        window("2026-02-01T23:00:00Z", "2026-02-02T00:00:00Z"),
        window("2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"),
        window("2026-02-03T00:00:00Z", "2026-02-04T00:00:00Z"));
  }

  @Test
  void aBatchInsideTheSpanRecomputesOnlyItsOwnDays() {
    CompletenessLedger.Span tracked = span("2026-02-01T00:00:00Z", "2026-02-05T00:00:00Z");
    CompletenessLedger.Span batch = span("2026-02-03T10:00:00Z", "2026-02-03T10:05:00Z");

    assertThat(CompletenessLedger.windows(batch, tracked)).containsExactly(
        window("2026-02-03T00:00:00Z", "2026-02-04T00:00:00Z"));
  }

  private static CompletenessLedger.Span span(String from, String until) {
    return new CompletenessLedger.Span("binance", "BTCUSDT", Instant.parse(from),
        Instant.parse(until));
  }

  private static CompletenessLedger.DayWindow window(String from, String until) {
    return new CompletenessLedger.DayWindow("binance", "BTCUSDT", Instant.parse(from),
        Instant.parse(until));
  }

  private static long minute(Timestamp t) {
    return (t.getTime() - Instant.parse("2026-02-01T00:00:00Z").toEpochMilli()) / 60_000;
  }
}
