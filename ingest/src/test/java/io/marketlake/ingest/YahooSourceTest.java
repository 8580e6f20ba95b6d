package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class YahooSourceTest {
  /** 2024-01-26 14:30 UTC, the NYSE open. */
  static final long T0 = 1706279400_000L;
  /** A real 1m chart answer for AAPL, trimmed: the second minute had no trades (all null). */
  static final String AAPL = "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\","
      + "\"symbol\":\"AAPL\",\"exchangeName\":\"NMS\",\"instrumentType\":\"EQUITY\","
      + "\"regularMarketTime\":1706302800,\"gmtoffset\":-18000,\"timezone\":\"EST\","
      + "\"dataGranularity\":\"1m\",\"range\":\"\",\"validRanges\":[\"1d\",\"5d\"]},"
      + "\"timestamp\":[1706279400,1706279460,1706279520],\"indicators\":{\"quote\":[{"
      + "\"volume\":[2055420,null,337216],\"high\":[194.75,null,194.2100067138672],"
      + "\"open\":[194.27000427246094,null,194.19],\"low\":[193.83,null,193.78],"
      + "\"close\":[194.19000244140625,null,194.0]}]}}],\"error\":null}}";
  static final String NOT_FOUND = "{\"chart\":{\"result\":null,\"error\":{\"code\":\"Not Found\","
      + "\"description\":\"No data found, symbol may be delisted\"}}}";

  /** The AAPL answer two and a half minutes into the session: its third bar is still live. */
  static final String AAPL_LIVE = AAPL
      .replace("\"regularMarketTime\":1706302800", "\"regularMarketTime\":1706279550")
      .replace("1706279520]", "1706279550]");
  /** What Yahoo answers (HTTP 422) for 1m data further back than it keeps. */
  static final String TOO_OLD = "{\"chart\":{\"result\":null,\"error\":{\"code\":"
      + "\"Unprocessable Entity\",\"description\":\"1m data not available for startTime="
      + "1703980800 and endTime=1704585600. The requested range must be within the last 30"
      + " days.\"}}}";

  FakeTime time;
  TestExchange exchange;
  YahooSource yahoo;

  @BeforeEach
  void setUp() throws Exception {
    // Eleven days after T0: its bars are within Yahoo's 30 days, a ten-day backfill is not capped.
    time = new FakeTime(Instant.parse("2024-02-06T00:00:00Z"));
    exchange = new TestExchange(time, 2, Duration.ofSeconds(5));
    yahoo = new YahooSource(exchange.baseUrl(), exchange.http, exchange.stats, time,
        exchange.log);
  }

  @AfterEach
  void tearDown() {
    exchange.close();
  }

  @Test
  void parsesTheChartSkippingAndCountingNullMinutes() throws Exception {
    exchange.enqueue(200, AAPL);

    List<MarketMessage> candles = yahoo.candles("AAPL", T0, T0 + 3 * 60_000).candles();

    RecordedRequest request = exchange.server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v8/finance/chart/AAPL");
    assertThat(FakeBinance.query(request, "interval", "period1", "period2"))
        .containsExactly("1m", "1706279400", "1706279580");
    assertThat(request.getHeaders().get("User-Agent")).startsWith("Mozilla/5.0");
    assertThat(candles).extracting(MarketMessage::openTime).containsExactly(T0, T0 + 120_000);
    assertThat(candles.get(0)).isEqualTo(MarketMessage.candle("yahoo", "AAPL", "1m", T0,
        T0 + 59_999, new BigDecimal("194.27000427246094"), new BigDecimal("194.75"),
        new BigDecimal("193.83"), new BigDecimal("194.19000244140625"), new BigDecimal("2055420"),
        null, null, null, null, time.millis()));
    assertThat(exchange.stats.skipped.get()).isEqualTo(1);
  }

  @Test
  void indexSymbolsAreEscapedInThePath() throws Exception {
    exchange.enqueue(200, "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"^GSPC\"},"
        + "\"indicators\":{\"quote\":[{}]}}],\"error\":null}}");

    // no trades: no timestamp[]
    assertThat(yahoo.candles("^GSPC", T0, T0 + 60_000).candles()).isEmpty();
    assertThat(exchange.server.takeRequest().getUrl().encodedPath())
        .isEqualTo("/v8/finance/chart/%5EGSPC");
  }

  @Test
  void aChartErrorIsAClearFinalError() {
    exchange.enqueue(404, NOT_FOUND);

    assertThatThrownBy(() -> yahoo.candles("NOPE", T0, T0 + 60_000))
        .isInstanceOf(ExchangeRejectedException.class)
        .hasMessage("Yahoo Finance rejected NOPE: Not Found: No data found, symbol may be"
            + " delisted (HTTP 404)");
    assertThat(exchange.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aChartErrorInsideA200IsFinalToo() {
    exchange.enqueue(200, NOT_FOUND);

    assertThatThrownBy(() -> yahoo.candles("NOPE", T0, T0 + 60_000))
        .isInstanceOf(ExchangeRejectedException.class)
        .hasMessage("Yahoo Finance rejected NOPE: Not Found: No data found, symbol may be"
            + " delisted");
    assertThat(exchange.stats.retries.get()).isZero();
  }

  @Test
  void truncatedJsonIsCountedAndFetchedAgain() throws Exception {
    exchange.enqueue(200, AAPL.substring(0, 200));
    exchange.enqueue(200, AAPL);

    assertThat(yahoo.candles("AAPL", T0, T0 + 3 * 60_000).candles()).hasSize(2);
    assertThat(exchange.stats.malformed.get()).isEqualTo(1);
    assertThat(exchange.logText.toString()).contains("malformed payload for AAPL");
  }

  @Test
  void arraysOfDifferentLengthsAreMalformed() {
    assertThatThrownBy(() -> YahooSource.parse("AAPL", AAPL.replace("[2055420,null,337216]",
        "[2055420,null]"), T0, T0 + 180_000, 0, new IngestStats()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageStartingWith("AAPL: chart without a full 'volume' array: ");
  }

  @Test
  void a429WithoutRetryAfterPausesAMinuteThenSucceeds() throws Exception {
    exchange.enqueue(429, "Too Many Requests");
    exchange.enqueue(200, AAPL);

    assertThat(yahoo.candles("AAPL", T0, T0 + 3 * 60_000).candles()).hasSize(2);
    assertThat(exchange.stats.rateLimited.get()).isEqualTo(1);
    assertThat(time.sleeps).contains(ExchangeHttp.DEFAULT_429_PAUSE);
  }

  @Test
  void aTenDayBackfillIsPagedInSevenDayChunks() throws Exception {
    exchange.enqueue(200, AAPL);
    exchange.enqueue(200, "{\"chart\":{\"result\":[],\"error\":null}}");
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    Instant from = Instant.ofEpochMilli(T0);

    BackfillResult result = new Backfill(yahoo, new MarketPublisher(producer, "t"),
        IngestState.inMemory(), exchange.log, ProgressListener.NONE, time, 1)
        .run(List.of("AAPL"), from, from.plus(Duration.ofDays(10)));

    long sevenDays = 7 * 86_400;
    assertThat(List.of(exchange.server.takeRequest(), exchange.server.takeRequest()))
        .extracting(r -> FakeBinance.query(r, "period1", "period2"))
        .containsExactly(List.of("1706279400", "" + (1706279400 + sevenDays)),
            List.of("" + (1706279400 + sevenDays), "" + (1706279400 + 10 * 86_400)));
    assertThat(result.candles()).isEqualTo(2);
    // The minutes Yahoo answered without a bar (the market was closed) are recorded as such.
    assertThat(producer.history()).extracting(r -> MessageCodec.decode(r.value()))
        .extracting(m -> m.kind() + "@" + m.openTime() + ".." + m.closeTime())
        .containsExactly("candle@" + T0 + ".." + (T0 + 59_999),
            "no_candles@" + (T0 + 60_000) + ".." + (T0 + 119_999),
            "candle@" + (T0 + 120_000) + ".." + (T0 + 179_999),
            "no_candles@" + (T0 + 180_000) + ".." + (T0 + sevenDays * 1000 - 1),
            "no_candles@" + (T0 + sevenDays * 1000) + ".." + (T0 + 10 * 86_400_000L - 1));
  }

  @Test
  void theLiveBarIsNotPublishedAndALaterRunFetchesItClosed() throws Exception {
    // Yahoo's own time is 14:32:30 (a delayed feed, or our clock ahead of Yahoo's): its 14:32 bar
    // is still forming, whatever our clock says.
    exchange.enqueue(200, AAPL_LIVE);
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    IngestState state = IngestState.inMemory();
    Instant from = Instant.ofEpochMilli(T0);
    Instant to = from.plusSeconds(180);

    BackfillResult first = backfill(producer, state, from, to);

    assertThat(first.candles()).isEqualTo(1);
    assertThat(state.backfillCursor("AAPL", T0, T0 + 180_000)).hasValue(T0 + 120_000);
    assertThat(exchange.logText.toString()).contains("INFO AAPL: stopping at"
        + " 2024-01-26T14:32:00Z: the exchange answered that candle as not final yet; run the same"
        + " command again later");

    exchange.enqueue(200, AAPL); // after the close: Yahoo's time is 16:00, every bar is final
    BackfillResult second = backfill(producer, state, from, to);

    assertThat(second.candles()).isEqualTo(1);
    assertThat(producer.history()).extracting(r -> MessageCodec.decode(r.value()))
        .filteredOn(m -> m.kind().equals(MarketMessage.KIND_CANDLE))
        .extracting(MarketMessage::openTime, m -> m.close().toPlainString())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, "194.19000244140625"),
            org.assertj.core.groups.Tuple.tuple(T0 + 120_000, "194.0"));
  }

  BackfillResult backfill(MockProducer<byte[], byte[]> producer, IngestState state, Instant from,
      Instant to) throws InterruptedException {
    return new Backfill(yahoo, new MarketPublisher(producer, "t"), state, exchange.log,
        ProgressListener.NONE, time, time.sleeper(), 1).run(List.of("AAPL"), from, to);
  }

  @Test
  void aChartWithoutYahoosTimeIsMalformed() {
    assertThatThrownBy(() -> YahooSource.parse("AAPL", AAPL.replace(
        "\"regularMarketTime\":1706302800,", ""), T0, T0 + 180_000, 0, new IngestStats()))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessageStartingWith("AAPL: chart without meta.regularMarketTime: ");
  }

  /** Bars at the first and the last minute of {@code [period1, period2)}, Yahoo's time {@code now}. */
  static String firstAndLastBar(long period1, long period2, long now) {
    return "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"AAPL\",\"regularMarketTime\":"
        + now / 1000 + "},\"timestamp\":[" + period1 + "," + (period2 - 60) + "],\"indicators\":"
        + "{\"quote\":[{\"open\":[190.5,190.5],\"high\":[190.5,190.5],\"low\":[190.5,190.5],"
        + "\"close\":[190.5,190.5],\"volume\":[100,100]}]}}],\"error\":null}}";
  }

  @Test
  void afterFortyDaysOfflineThePollerSkipsWhatYahooNoLongerServesAndGoesOn() throws Exception {
    long now = time.millis();
    long thirtyDaysAgo = now - Duration.ofDays(30).toMillis();
    // Yahoo: 422 for anything further back than 30 days, else bars at both ends of the range.
    exchange.server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        long period1 = Long.parseLong(request.getUrl().queryParameter("period1"));
        long period2 = Long.parseLong(request.getUrl().queryParameter("period2"));
        return period1 * 1000 < thirtyDaysAgo
            ? new MockResponse.Builder().code(422).body(TOO_OLD).build()
            : new MockResponse.Builder().code(200)
                .body(firstAndLastBar(period1, period2, now)).build();
      }
    });
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    IngestState state = IngestState.inMemory();
    long lastPublished = now - Duration.ofDays(40).toMillis();
    state.pollReached("AAPL", lastPublished);
    ExchangeClock clock = new ExchangeClock(yahoo::serverTimeMillis, time, time.sleeper(),
        exchange.log);

    new Poller(List.of("AAPL"), yahoo, new MarketPublisher(producer, "t"), state, exchange.log,
        clock, time, time.sleeper(), Duration.ofSeconds(2), 1, ProgressListener.NONE).run(1, null);

    long oldest = YahooSource.oldestServable(now);
    List<MarketMessage> published = producer.history().stream()
        .map(r -> MessageCodec.decode(r.value())).toList();
    List<Long> openTimes = published.stream().filter(m -> !m.kind().equals(
        MarketMessage.KIND_NO_CANDLES)).map(MarketMessage::openTime).toList();
    // The skipped minutes stay missing: nothing claims Yahoo answered them empty.
    assertThat(published).first().extracting(MarketMessage::openTime).isEqualTo(oldest);
    assertThat(published).filteredOn(m -> m.openTime() < oldest).isEmpty();
    assertThat(state.pollMark("AAPL")).isPresent();
    assertThat(state.pollMark("AAPL").getAsLong()).isGreaterThanOrEqualTo(
        openTimes.get(openTimes.size() - 1));
    assertThat(openTimes.get(openTimes.size() - 1)).isGreaterThan(now - Duration.ofDays(7)
        .toMillis());
    assertThat(exchange.logText.toString().lines().filter(l -> l.contains("WARN yahoo AAPL")))
        .containsExactly(time.instant() + " WARN " + IngestErrors.yahooSkipped("AAPL",
            Instant.ofEpochMilli(lastPublished + 60_000), Instant.ofEpochMilli(oldest)));
    assertThat(exchange.logText.toString()).doesNotContain("failed");
  }

  @Test
  void aBanA500AndASlowAnswerAreRiddenOutWithTheRightWaits() throws Exception {
    TestExchange.assertRidesOutBanErrorAndSlowAnswer(time, AAPL,
        quick -> new YahooSource(quick.baseUrl(), quick.http, quick.stats, time, quick.log)
            .candles("AAPL", T0, T0 + 3 * 60_000).candles());
  }

}
