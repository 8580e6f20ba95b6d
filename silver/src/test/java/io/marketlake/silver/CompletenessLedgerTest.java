package io.marketlake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
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
    CompletenessLedger.DayMinutes minutes = new CompletenessLedger.DayMinutes(false);
    for (int m : new int[] {0, 2, 5, 6}) minutes.present.set(m);
    minutes.answered.set(3, 5);
    minutes.answered.set(6, 8);
    // A minute outside the window counts for nothing.
    minutes.present.set(30);

    Row day = CompletenessLedger.row(window("2026-02-01T00:00:00Z", "2026-02-01T00:10:00Z"),
        minutes, 7, UPDATED);

    assertThat(day.getDate(2).toString()).isEqualTo("2026-02-01");
    assertThat(counts(day)).containsExactly(10L, 7L, 4L, 3L, 3L);
    assertThat(ranges(day)).containsExactly("00:01/00:02", "00:08/00:10");
    // The row fits the table: Spark converts it, nested ranges included.
    Row converted = spark.createDataFrame(List.of(day), SilverTables.COMPLETENESS).first();
    assertThat(converted.<Long>getAs("silver_version")).isEqualTo(7);
    assertThat(converted.<Row>getList(converted.fieldIndex("missing_ranges"))).hasSize(2);
  }

  @Test
  void aCompleteDayHasNoMissingRanges() {
    CompletenessLedger.DayMinutes minutes = new CompletenessLedger.DayMinutes(false);
    minutes.present.set(0, 3);

    Row day = CompletenessLedger.row(window("2026-02-01T00:00:00Z", "2026-02-01T00:03:00Z"),
        minutes, 1, UPDATED);

    assertThat(counts(day)).containsExactly(3L, 3L, 3L, 0L, 0L);
    assertThat(ranges(day)).isEmpty();
  }

  @Test
  void aWindowWithNoCandleAndNoAnswerIsOneMissingRange() {
    CompletenessLedger.DayMinutes minutes = new CompletenessLedger.DayMinutes(false);
    // An answer after the window does not reach into it.
    minutes.answered.set(11 * 60, 11 * 60 + 10);

    Row day = CompletenessLedger.row(window("2026-02-01T10:00:00Z", "2026-02-01T10:30:00Z"),
        minutes, 1, UPDATED);

    assertThat(counts(day)).containsExactly(30L, 30L, 0L, 0L, 30L);
    assertThat(ranges(day)).containsExactly("10:00/10:30");
  }

  @Test
  void aBatchsMinutesSpanItsCandlesAndItsAnsweredRanges() {
    long t0 = Instant.parse("2026-02-01T23:58:00Z").toEpochMilli() / 60_000;
    CompletenessLedger.SymbolMinutes batch = new CompletenessLedger.SymbolMinutes("binance",
        "BTCUSDT", new long[] {t0 + 1, t0}, new long[][] {{t0 + 2, t0 + 5}, {t0 + 9, t0 + 9}});

    assertThat(batch.span()).isEqualTo(span("2026-02-01T23:58:00Z", "2026-02-02T00:03:00Z"));
    assertThat(new CompletenessLedger.SymbolMinutes("binance", "BTCUSDT", new long[0],
        new long[0][]).span()).isNull();
  }

  private static final Timestamp UPDATED = Timestamp.from(Instant.parse("2026-02-02T00:00:00Z"));

  /** Tracked, expected, present, exchange-none and missing minutes. */
  private static List<Long> counts(Row day) {
    return List.of(day.getLong(5), day.getLong(6), day.getLong(7), day.getLong(8),
        day.getLong(9));
  }

  private static List<String> ranges(Row day) {
    return day.<List<Row>>getAs(10).stream().map(r -> hhmm(r.getTimestamp(0)) + "/"
        + hhmm(r.getTimestamp(1))).toList();
  }

  private static String hhmm(Timestamp t) {
    return t.toInstant().toString().substring(11, 16);
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
}
