package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PollerTest extends FakeBinanceFixture {
  static final Instant START = Instant.parse("2026-02-01T00:10:30Z");


  @Override
  Instant exchangeStart() {
    return START;
  }

  Poller poller(List<String> symbols) {
    ExchangeClock clock =
        new ExchangeClock(exchange.source::serverTimeMillis, time, time.sleeper(), exchange.log);
    return new Poller(symbols, exchange.source, new MarketPublisher(producer, "t"), state,
        exchange.log, clock, time, time.sleeper(), Duration.ofSeconds(2), 2, ProgressListener.NONE);
  }

  List<Long> openTimes(String symbol) {
    return producer.history().stream().map(r -> MessageCodec.decode(r.value()))
        .filter(m -> m.symbol().equals(symbol)).map(MarketMessage::openTime).toList();
  }

  List<String> volumes(String symbol) {
    return producer.history().stream().map(r -> MessageCodec.decode(r.value()))
        .filter(m -> m.symbol().equals(symbol)).map(m -> m.volume().toPlainString()).toList();
  }

  static long minute(String hhmm) {
    return Instant.parse("2026-02-01T" + hhmm + ":00Z").toEpochMilli();
  }

  static List<Long> minutes(String fromHhmm, String toHhmmInclusive) {
    return LongStream.rangeClosed(minute(fromHhmm) / 60_000, minute(toHhmmInclusive) / 60_000)
        .map(m -> m * 60_000).boxed().toList();
  }

  @Test
  void publishesEachClosedMinuteExactlyOnceAcrossCycles() throws Exception {
    PollResult result = poller(List.of("BTCUSDT", "ETHUSDT")).run(3, null);

    assertThat(result.cycles()).isEqualTo(3);
    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:11"));
    assertThat(openTimes("ETHUSDT")).containsExactlyElementsOf(minutes("00:09", "00:11"));
    assertThat(result.candlesPerSymbol()).containsEntry("BTCUSDT", 3L).containsEntry("ETHUSDT", 3L);
    // cycles fire at the exchange's minute boundary plus the poll delay
    assertThat(time.instant()).isEqualTo(Instant.parse("2026-02-01T00:12:02Z"));
    assertThat(exchange.logText.toString().lines().filter(l -> l.contains(" cycle ")))
        .hasSize(3)
        .first().asString()
        .contains("cycle 1 up to 2026-02-01T00:10:00Z: 2 symbols, 2 candles,");
    assertThat(state.pollMark("BTCUSDT")).hasValue(minute("00:11"));
  }

  @Test
  void neverPublishesTheFormingCandleWhenTheExchangeTimeCannotBeRead() throws Exception {
    // The exchange's clock is 50 s behind ours (00:09:40), and its /time fails at first: two asks
    // of two attempts each. Taking our clock instead would ask for 00:09, still forming there.
    binance = new FakeBinance(() -> time.millis() - 50_000);
    binance.failTime.set(4);
    exchange.server.setDispatcher(binance);

    poller(List.of("BTCUSDT")).run(1, null);

    assertThat(openTimes("BTCUSDT")).containsExactly(minute("00:08"));
    assertThat(volumes("BTCUSDT")).containsOnly(FakeBinance.CLOSED_VOLUME);
    assertThat(exchange.logText.toString().lines()
        .filter(l -> l.contains("WARN cannot read the exchange's time"))).hasSize(2);
  }

  @Test
  void resumesAfterTheLastPublishedMinuteAndFillsTheGapFirst() throws Exception {
    state.pollReached("BTCUSDT", minute("00:00"));

    poller(List.of("BTCUSDT")).run(1, null);

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:01", "00:09"));
  }

  @Test
  void aRestartedPollerContinuesWithoutGapOrDuplicate() throws Exception {
    poller(List.of("BTCUSDT")).run(2, null);
    time.advance(Duration.ofMinutes(7)); // the poller was down for seven minutes

    poller(List.of("BTCUSDT")).run(2, null);

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:18"));
  }

  @Test
  void aFailingSymbolDoesNotStopTheOthers() throws Exception {
    binance.rejected.add("BADUSDT");

    PollResult result = poller(List.of("BADUSDT", "BTCUSDT")).run(2, null);

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:10"));
    assertThat(result.failedFetches()).isEqualTo(2);
    assertThat(exchange.logText.toString()).contains("failed: BADUSDT (GET /api/v3/klines for"
        + " BADUSDT answered HTTP 400");
  }

  @Test
  void untilStopsOnceEveryEarlierMinuteIsPublished() throws Exception {
    PollResult result = poller(List.of("BTCUSDT")).run(0, Instant.parse("2026-02-01T00:13:00Z"));

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:12"));
    assertThat(result.summary()).startsWith("poll: 4 cycles, 4 candles");
  }

  @Test
  void aSlowSymbolDelaysNoOtherAndUntilBringsItUpToUntil() throws Exception {
    // An exchange at 60x: a cycle waits about a real second for a symbol before moving on.
    long start = START.toEpochMilli();
    binance = new FakeBinance(() -> start + (time.millis() - start) * 60);
    exchange.server.setDispatcher(binance);
    CountDownLatch slow = new CountDownLatch(1);
    binance.held.put("ETHUSDT", slow);
    Instant until = Instant.parse("2026-02-01T00:14:00Z");
    CompletableFuture<PollResult> polling = CompletableFuture.supplyAsync(() -> {
      try {
        return poller(List.of("BTCUSDT", "ETHUSDT")).run(0, until);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    // ETHUSDT answers only once the last cycle went by without it.
    await().atMost(Duration.ofSeconds(20)).until(() -> exchange.logText.toString().lines()
        .anyMatch(l -> l.contains("up to " + until + ":") && l.contains("still busy: ETHUSDT")));
    // Meanwhile BTCUSDT went on minute by minute: the slow symbol held nobody back.
    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:13"));
    assertThat(openTimes("ETHUSDT")).isEmpty();
    slow.countDown();
    PollResult result = polling.get(30, TimeUnit.SECONDS);

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:09", "00:13"));
    assertThat(openTimes("ETHUSDT")).containsExactlyElementsOf(minutes("00:09", "00:13"));
    assertThat(result.candlesPerSymbol()).containsEntry("ETHUSDT", 5L);
    assertThat(exchange.logText.toString()).contains("last cycle up to " + until
        + ": caught up ETHUSDT");
  }

  List<String> kindsAndTimes(String symbol) {
    return producer.history().stream().map(r -> MessageCodec.decode(r.value()))
        .filter(m -> m.symbol().equals(symbol))
        .map(m -> m.kind() + " " + Instant.ofEpochMilli(m.openTime()).toString().substring(11, 16)
            + (m.kind().equals(MarketMessage.KIND_NO_CANDLES)
            ? ".." + Instant.ofEpochMilli(m.closeTime() + 1).toString().substring(11, 16) : ""))
        .toList();
  }

  /** The ranges of {@code [from, to)} without a candle in {@code openTimes}, as "from..to". */
  static List<String> missingRanges(List<Long> openTimes, long from, long to) {
    java.util.Set<Long> have = new java.util.HashSet<>(openTimes);
    List<String> out = new java.util.ArrayList<>();
    long t = from;
    while (t < to) {
      if (have.contains(t)) {
        t += 60_000;
        continue;
      }
      long gapStart = t;
      while (t < to && !have.contains(t)) t += 60_000;
      out.add(Instant.ofEpochMilli(gapStart) + ".." + Instant.ofEpochMilli(t));
    }
    return out;
  }

  @Test
  void aBackfillOfLaterDaysDoesNotMakeThePollerSkipTheMinutesBeforeThem() throws Exception {
    // Friday 2026-01-30: the poller runs up to 18:00 and stops.
    startExchangeAt(Instant.parse("2026-01-30T17:55:30Z"));
    state.pollReached("BTCUSDT", Instant.parse("2026-01-30T17:50:00Z").toEpochMilli());
    poller(List.of("BTCUSDT")).run(0, Instant.parse("2026-01-30T18:00:00Z"));
    // Monday 00:30: someone backfills Sunday to Monday.
    time.advance(Duration.between(time.instant(), Instant.parse("2026-02-02T00:30:30Z")));
    new Backfill(exchange.source, new MarketPublisher(producer, "t"), state, exchange.log,
        ProgressListener.NONE, time, 1).run(List.of("BTCUSDT"),
        Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-02-02T00:00:00Z"));
    // Then the poller restarts.
    Instant until = Instant.parse("2026-02-02T00:33:00Z");

    PollResult restarted = poller(List.of("BTCUSDT")).run(0, until);

    long friday1751 = Instant.parse("2026-01-30T17:51:00Z").toEpochMilli();
    assertThat(missingRanges(openTimes("BTCUSDT"), friday1751, until.toEpochMilli())).isEmpty();
    assertThat(new java.util.TreeSet<>(openTimes("BTCUSDT")).first()).isEqualTo(friday1751);
    assertThat(restarted.shortOfUntil()).isEmpty();
    assertThat(state.pollMark("BTCUSDT")).hasValue(until.toEpochMilli() - 60_000);
  }

  @Test
  void aPollerWithoutAMarkStartsWhereTheBackfillBeforeItGotTo() throws Exception {
    new Backfill(exchange.source, new MarketPublisher(producer, "t"), state, exchange.log,
        ProgressListener.NONE, time, 1).run(List.of("BTCUSDT"), Instant.parse(
        "2026-02-01T00:00:00Z"), Instant.parse("2026-02-01T00:05:00Z"));

    poller(List.of("BTCUSDT")).run(1, null);

    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:00", "00:09"));
    assertThat(state.pollMark("BTCUSDT")).hasValue(minute("00:09"));
  }

  @Test
  void anExchangeGapInsideAnAnswerIsPublishedAsNoCandlesButUnservedNewestMinutesAreRetried()
      throws Exception {
    state.pollReached("BTCUSDT", minute("00:00"));
    for (String hhmm : List.of("00:03", "00:04", "00:05")) binance.noCandle.add(minute(hhmm));
    // Until 00:11 the exchange serves each candle two minutes late.
    binance.lateBy = 120_000;
    binance.lateUntil = minute("00:11");

    poller(List.of("BTCUSDT")).run(1, null);

    assertThat(kindsAndTimes("BTCUSDT")).containsExactly("candle 00:01", "candle 00:02",
        "no_candles 00:03..00:06", "candle 00:06", "candle 00:07");
    assertThat(state.pollMark("BTCUSDT")).as("held at the last served minute")
        .hasValue(minute("00:07"));

    // Still late at 00:10:30, served at 00:11:02: the second cycle fetches from the mark.
    producer.clear();
    poller(List.of("BTCUSDT")).run(2, null);

    assertThat(kindsAndTimes("BTCUSDT")).containsExactly("candle 00:08", "candle 00:09",
        "candle 00:10");
  }

  @Test
  void aMinuteServedSecondsLateIsAskedForAgainWithinTheCycleNotAMinuteLater() throws Exception {
    state.pollReached("BTCUSDT", minute("00:09"));
    // The exchange serves each candle 3 s after its close, until 00:12.
    binance.lateBy = 3_000;
    binance.lateUntil = minute("00:12");

    PollResult result = poller(List.of("BTCUSDT")).run(2, null);

    // The cycle at 00:11:02 finds 00:10 not served yet; it is from 00:11:03, and the third
    // re-ask (00:11:03.75) gets it, not the next cycle at 00:12:02.
    assertThat(openTimes("BTCUSDT")).containsExactly(minute("00:10"));
    assertThat(result.cycles()).isEqualTo(2);
    assertThat(time.sleeps).as("re-asked after 250 ms, 500 ms and 1 s")
        .containsSubsequence(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(time.instant()).isBefore(Instant.parse("2026-02-01T00:11:04Z"));
    assertThat(exchange.logText.toString()).contains("asked again for late minutes 3 times");
  }

  @Test
  void aFeedMinutesBehindIsLeftToTheNextCycleNotAskedAgainAndAgain() throws Exception {
    state.pollReached("BTCUSDT", minute("00:03"));
    // A feed five minutes behind (a delayed quote): its newest minute is never the one that
    // just closed, so asking again within the cycle could not help.
    binance.lateBy = 300_000;
    binance.lateUntil = minute("01:00");

    poller(List.of("BTCUSDT")).run(2, null);

    assertThat(openTimes("BTCUSDT")).containsExactly(minute("00:04"), minute("00:05"));
    assertThat(exchange.logText.toString()).doesNotContain("asked again");
  }

  @Test
  void failedCyclesLeaveTheMarkAndTheNextCycleFetchesFromIt() throws Exception {
    state.pollReached("BTCUSDT", minute("00:07"));
    binance.failNext.set(2); // the fill and the first cycle fail

    PollResult result = poller(List.of("BTCUSDT")).run(2, null);

    assertThat(result.failedFetches()).isEqualTo(2);
    assertThat(openTimes("BTCUSDT")).containsExactlyElementsOf(minutes("00:08", "00:10"));
  }

  @Test
  void untilNamesTheSymbolsThatStoppedShortOfItAndWhere() throws Exception {
    state.pollReached("BADUSDT", minute("00:05"));
    binance.rejected.add("BADUSDT");

    PollResult result =
        poller(List.of("BADUSDT", "BTCUSDT")).run(0, Instant.parse("2026-02-01T00:12:00Z"));

    assertThat(result.shortOfUntil())
        .containsExactly(java.util.Map.entry("BADUSDT", Instant.ofEpochMilli(minute("00:06"))));
    assertThat(result.shortOfUntilLine()).isEqualTo("poll stopped short of --until"
        + " 2026-02-01T00:12:00Z for 1 of 2 symbols: BADUSDT has every minute before"
        + " 2026-02-01T00:06:00Z (the log above says why; run poll again to continue from there)");
  }
}
