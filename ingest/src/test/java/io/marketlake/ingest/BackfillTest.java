package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class BackfillTest extends FakeBinanceFixture {
  static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
  static final Instant TO = Instant.parse("2026-02-03T00:00:00Z"); // 2 days = 2,880 minutes

  int taken;

  @Override
  Instant exchangeStart() {
    return Instant.parse("2026-03-01T00:00:00Z");
  }

  BackfillResult backfill(List<String> symbols) throws InterruptedException {
    return backfill(symbols, FROM, TO);
  }

  BackfillResult backfill(List<String> symbols, Instant from, Instant to)
      throws InterruptedException {
    return new Backfill(exchange.source, new MarketPublisher(producer, "t"), state, exchange.log,
        ProgressListener.NONE, time, time.sleeper(), 2).run(symbols, from, to);
  }

  List<MarketMessage> published() {
    return producer.history().stream().map(r -> MessageCodec.decode(r.value())).toList();
  }

  /** The klines requests so far (each run also asks {@code /api/v3/time} once). */
  List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    for (; taken < exchange.server.getRequestCount(); taken++) {
      RecordedRequest request = exchange.server.takeRequest();
      if (request.getUrl().encodedPath().equals("/api/v3/klines")) out.add(request);
    }
    return out;
  }

  @Test
  void pagesAMultiDayRangeByAThousandMinutes() throws Exception {
    BackfillResult result = backfill(List.of("BTCUSDT"));

    long from = FROM.toEpochMilli();
    assertThat(requests()).extracting(r -> FakeBinance.query(r, "startTime", "endTime", "limit"))
        .containsExactly(
            List.of("" + from, "" + (from + 1000 * 60_000 - 1), "1000"),
            List.of("" + (from + 1000 * 60_000), "" + (from + 2000 * 60_000 - 1), "1000"),
            List.of("" + (from + 2000 * 60_000), "" + (TO.toEpochMilli() - 1), "880"));
    assertThat(result.candlesPerSymbol()).containsExactly(Map.entry("BTCUSDT", 2880L));
    // three pages of weight 2, and the exchange's time (weight 1) to cap the range
    assertThat(result.requests()).isEqualTo(4);
    assertThat(result.usedWeight()).isEqualTo(7);
    assertThat(result.succeeded()).isTrue();
    List<Long> openTimes = producer.history().stream()
        .map(r -> MessageCodec.decode(r.value()).openTime()).toList();
    assertThat(openTimes).hasSize(2880).doesNotHaveDuplicates().isSorted();
    assertThat(openTimes.get(0)).isEqualTo(from);
    assertThat(openTimes.get(2879)).isEqualTo(TO.toEpochMilli() - 60_000);
    assertThat(state.pollMark("BTCUSDT")).as("a backfill leaves the poller's mark alone").isEmpty();
  }

  @Test
  void aRejectedSymbolFailsAloneWhileTheOthersComplete() throws Exception {
    binance.rejected.add("NOPEUSDT");

    BackfillResult result = backfill(List.of("BTCUSDT", "NOPEUSDT", "ETHUSDT"));

    assertThat(result.candlesPerSymbol())
        .containsEntry("BTCUSDT", 2880L).containsEntry("ETHUSDT", 2880L)
        .containsEntry("NOPEUSDT", 0L);
    assertThat(result.failedSymbols()).containsOnlyKeys("NOPEUSDT");
    assertThat(result.failedSymbols().get("NOPEUSDT")).isEqualTo("GET /api/v3/klines for NOPEUSDT"
        + " answered HTTP 400: {\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
    assertThat(result.summary()).contains("NOPEUSDT", "FAILED");
    Map<String, Long> perKey = producer.history().stream().collect(Collectors.groupingBy(
        r -> new String(r.key()), Collectors.counting()));
    assertThat(perKey).containsExactlyInAnyOrderEntriesOf(
        Map.of("BTCUSDT", 2880L, "ETHUSDT", 2880L));
  }

  @Test
  void runningTheSameRangeAgainResumesWhereItStopped() throws Exception {
    // a first run was cut short (Ctrl-C) after its first page
    state.backfillReached("BTCUSDT", FROM.toEpochMilli(), TO.toEpochMilli(),
        FROM.toEpochMilli() + 1000 * 60_000);

    BackfillResult result = backfill(List.of("BTCUSDT"));

    assertThat(requests()).extracting(r -> r.getUrl().queryParameter("startTime"))
        .containsExactly("" + (FROM.toEpochMilli() + 1000 * 60_000),
            "" + (FROM.toEpochMilli() + 2000 * 60_000));
    assertThat(result.candles()).isEqualTo(1880);
    // and a third run of the same range has nothing left to do
    assertThat(backfill(List.of("BTCUSDT")).candles()).isZero();
    assertThat(requests()).isEmpty();
  }

  @Test
  void aBackfillUpToNowStopsAtTheLastClosedMinuteAndALaterRunFetchesTheRestClosed()
      throws Exception {
    Instant from = Instant.parse("2026-02-28T23:00:00Z");
    Instant to = Instant.parse("2026-03-01T01:00:00Z");
    long midnight = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    time.advance(Duration.ofSeconds(30)); // the exchange's 00:00 candle is half formed

    BackfillResult first = backfill(List.of("BTCUSDT"), from, to);

    assertThat(first.candles()).isEqualTo(60);
    assertThat(published()).extracting(m -> m.volume().toPlainString())
        .containsOnly(FakeBinance.CLOSED_VOLUME);
    assertThat(published().get(59).openTime()).isEqualTo(midnight - 60_000);
    assertThat(state.backfillCursor("BTCUSDT", from.toEpochMilli(), to.toEpochMilli()))
        .hasValue(midnight);
    assertThat(exchange.logText.toString()).contains("INFO backfill: --to 2026-03-01T01:00:00Z is"
        + " after the exchange's last closed minute; stopping before 2026-03-01T00:00:00Z"
        + " (exchange time 2026-03-01T00:00:30Z); run the same command again later for the rest");

    time.advance(Duration.ofMinutes(2)); // 00:00 and 00:01 have closed
    BackfillResult second = backfill(List.of("BTCUSDT"), from, to);

    assertThat(second.candles()).isEqualTo(2);
    assertThat(published()).hasSize(62).extracting(m -> m.volume().toPlainString())
        .containsOnly(FakeBinance.CLOSED_VOLUME);
    assertThat(published()).extracting(MarketMessage::openTime).doesNotHaveDuplicates()
        .endsWith(midnight, midnight + 60_000);
    assertThat(state.backfillCursor("BTCUSDT", from.toEpochMilli(), to.toEpochMilli()))
        .hasValue(midnight + 120_000);
  }

  @Test
  void stopFinishesTheCurrentPageAndReportsStopped() throws Exception {
    Backfill backfill = new Backfill(exchange.source, new MarketPublisher(producer, "t"), state,
        exchange.log, ProgressListener.NONE, time, 1);
    backfill.stop();

    BackfillResult result = backfill.run(List.of("BTCUSDT"), FROM, TO);

    assertThat(result.stopped()).isTrue();
    assertThat(result.summary()).startsWith("backfill stopped (run the same command again");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aMaintenanceWindowIsPublishedAsNoCandlesButTheMinutesNotServedYetAreNot() throws Exception {
    // The exchange's clock is at 23:30:30 on the range's last day: its last half hour is open.
    startExchangeAt(Instant.parse("2026-02-02T23:30:30Z"));
    long maintenance = Instant.parse("2026-02-01T10:00:00Z").toEpochMilli();
    for (int m = 0; m < 60; m++) binance.noCandle.add(maintenance + m * 60_000L);

    BackfillResult result = backfill(List.of("BTCUSDT"));

    List<String> empty = producer.history().stream().map(r -> MessageCodec.decode(r.value()))
        .filter(m -> m.kind().equals("no_candles"))
        .map(m -> Instant.ofEpochMilli(m.openTime()) + ".." + Instant.ofEpochMilli(
            m.closeTime() + 1)).toList();
    assertThat(empty).containsExactly("2026-02-01T10:00:00Z..2026-02-01T11:00:00Z");
    assertThat(result.candles()).isEqualTo(2880 - 60 - 30);
    assertThat(state.backfillCursor("BTCUSDT", FROM.toEpochMilli(), TO.toEpochMilli()))
        .as("the same backfill run again fetches the rest")
        .hasValue(Instant.parse("2026-02-02T23:30:00Z").toEpochMilli());
    assertThat(new String(producer.history().get(0).headers().lastHeader("marketlake-writer")
        .value())).isEqualTo("backfill");
  }
}
