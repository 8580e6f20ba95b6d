package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.MarketMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BinanceSourceTest {
  static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  /** Two real BTCUSDT klines as Binance serves them. */
  static final String TWO_KLINES = "[[1769904000000,\"78512.01000000\",\"78540.00000000\","
      + "\"78490.50000000\",\"78533.99000000\",\"12.34567000\",1769904059999,"
      + "\"969512.12345678\",1843,\"6.54321000\",\"513700.98765432\",\"0\"],"
      + "[1769904060000,\"78533.99000000\",\"78600.00000000\",\"78530.00000000\","
      + "\"78599.98000000\",\"0.00012000\",1769904119999,\"9.43199976\",3,\"0.00000000\","
      + "\"0.00000000\",\"0\"]]";

  FakeTime time;
  TestExchange exchange;

  @BeforeEach
  void setUp() throws Exception {
    time = new FakeTime(Instant.parse("2026-02-02T00:00:00Z"));
    exchange = new TestExchange(time, 3, Duration.ofMillis(300));
  }

  @AfterEach
  void tearDown() {
    exchange.close();
  }

  void enqueue(int code, String body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code).body(body);
    for (int i = 0; i < headers.length; i += 2) b.addHeader(headers[i], headers[i + 1]);
    exchange.server.enqueue(b.build());
  }

  List<MarketMessage> fetchTwoMinutes() throws Exception {
    return exchange.source.candles("BTCUSDT", T0, T0 + 120_000).candles();
  }

  @Test
  void parsesKlinesIntoCandlesWithExactDecimals() throws Exception {
    enqueue(200, TWO_KLINES, ExchangeHttp.USED_WEIGHT_HEADER, "2");

    List<MarketMessage> candles = fetchTwoMinutes();

    RecordedRequest request = exchange.server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v3/klines");
    assertThat(FakeBinance.query(request, "symbol", "interval", "startTime", "endTime", "limit"))
        .containsExactly("BTCUSDT", "1m", "1769904000000", "1769904119999", "2");
    assertThat(candles).hasSize(2);
    MarketMessage first = candles.get(0);
    assertThat(first).isEqualTo(MarketMessage.candle("binance", "BTCUSDT", "1m", 1769904000000L,
        1769904059999L, new BigDecimal("78512.01000000"), new BigDecimal("78540.00000000"),
        new BigDecimal("78490.50000000"), new BigDecimal("78533.99000000"),
        new BigDecimal("12.34567000"), new BigDecimal("969512.12345678"), 1843L,
        new BigDecimal("6.54321000"), new BigDecimal("513700.98765432"), time.millis()));
    assertThat(candles.get(1).volume().toPlainString()).isEqualTo("0.00012000");
    assertThat(exchange.budget.usedInWindow()).isEqualTo(2);
  }

  @Test
  void emptyArrayIsNoCandles() throws Exception {
    enqueue(200, "[]");

    assertThat(fetchTwoMinutes()).isEmpty();
    assertThat(exchange.stats.malformed.get()).isZero();
  }

  @Test
  void honoursRetryAfterOn429ThenSucceeds() throws Exception {
    enqueue(429, "{\"code\":-1003,\"msg\":\"Too many requests\"}", "Retry-After", "7");
    enqueue(200, TWO_KLINES);

    assertThat(fetchTwoMinutes()).hasSize(2);
    assertThat(exchange.stats.rateLimited.get()).isEqualTo(1);
    assertThat(exchange.stats.retries.get()).isZero();
    assertThat(time.sleeps).contains(Duration.ofSeconds(7));
    assertThat(exchange.server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void a429ReportingSpareWeightPausesForRetryAfterOnly() throws Exception {
    enqueue(429, "{\"code\":-1003,\"msg\":\"Too many requests\"}", "Retry-After", "2",
        ExchangeHttp.USED_WEIGHT_HEADER, "40");
    enqueue(200, TWO_KLINES, ExchangeHttp.USED_WEIGHT_HEADER, "42");

    assertThat(fetchTwoMinutes()).hasSize(2);
    // The exchange said 42 of its budget is used: no wait for the window's end.
    assertThat(exchange.budget.usedInWindow()).isEqualTo(42);
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void a429WithoutAWeightReportFillsTheBudget() throws Exception {
    enqueue(429, "{\"code\":-1003,\"msg\":\"Too many requests\"}", "Retry-After", "2");

    enqueue(200, TWO_KLINES);
    time.advance(Duration.ofSeconds(10));   // mid-window, clear of its slack

    assertThat(fetchTwoMinutes()).hasSize(2);
    // Nothing says how full the window is: the retry waits for the next window, past Retry-After.
    assertThat(time.slept()).isGreaterThan(Duration.ofSeconds(45));
  }

  @Test
  void stopsAllRequestsToTheHostDuringA418Ban() throws Exception {
    enqueue(418, "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned\"}",
        "Retry-After", "120");
    enqueue(200, TWO_KLINES);
    enqueue(200, "[]");
    long bannedAt = time.millis();

    assertThat(fetchTwoMinutes()).hasSize(2);
    // The ban covers every symbol: a second fetch is not sent earlier than the ban's end either.
    assertThat(exchange.source.candles("ETHUSDT", T0, T0 + 60_000).candles()).isEmpty();

    assertThat(exchange.stats.bans.get()).isEqualTo(1);
    assertThat(time.millis() - bannedAt).isGreaterThanOrEqualTo(120_000);
    assertThat(exchange.logText.toString()).contains("HTTP 418 (IP banned) for BTCUSDT");
  }

  @Test
  void retries500WithBackoffThenSucceeds() throws Exception {
    enqueue(500, "Internal error");
    enqueue(200, TWO_KLINES);

    assertThat(fetchTwoMinutes()).hasSize(2);
    assertThat(exchange.stats.retries.get()).isEqualTo(1);
    // attempt 1 waits between half and all of the 500 ms base delay
    assertThat(time.sleeps).singleElement()
        .satisfies(d -> assertThat(d.toMillis()).isBetween(250L, 500L));
  }

  @Test
  void slowResponseTimesOutAndIsRetried() throws Exception {
    exchange.server.enqueue(new MockResponse.Builder().code(200).body(TWO_KLINES)
        .headersDelay(2, TimeUnit.SECONDS).build());
    enqueue(200, TWO_KLINES);

    assertThat(fetchTwoMinutes()).hasSize(2);
    assertThat(exchange.stats.retries.get()).isEqualTo(1);
    assertThat(exchange.logText.toString()).contains("retry 1/3").containsAnyOf("timeout", "timed out");
  }

  @Test
  void persistentServerErrorsFailTheSymbolWithAClearMessage() {
    for (int i = 0; i < 4; i++) enqueue(503, "<html>Service Unavailable</html>");

    assertThatThrownBy(this::fetchTwoMinutes)
        .isInstanceOf(SourceException.class)
        .hasMessage("GET /api/v3/klines for BTCUSDT failed after 4 attempts: GET /api/v3/klines"
            + " for BTCUSDT answered HTTP 503: <html>Service Unavailable</html>");
    assertThat(exchange.stats.retries.get()).isEqualTo(3);
  }

  @Test
  void clientErrorIsNotRetriedAndCarriesStatusAndBody() {
    enqueue(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");

    assertThatThrownBy(this::fetchTwoMinutes)
        .isInstanceOfSatisfying(HttpStatusException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.excerpt()).isEqualTo("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}");
        });
    assertThat(exchange.server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void truncatedJsonIsLoggedOnceCountedAndFetchedAgain() throws Exception {
    enqueue(200, TWO_KLINES.substring(0, 90));
    enqueue(200, TWO_KLINES);

    assertThat(fetchTwoMinutes()).hasSize(2);
    assertThat(exchange.stats.malformed.get()).isEqualTo(1);
    assertThat(exchange.logText.toString().lines().filter(l -> l.contains("malformed")))
        .singleElement().satisfies(line -> assertThat(line)
            .contains("malformed payload for BTCUSDT")
            .contains("[[1769904000000,\"78512.01000000\""));
  }

  @Test
  void aRepeatedCandleInOneAnswerIsPublishedOnceOldestFirst() throws Exception {
    // The second minute, the first, then the second again with another close: the last word wins.
    String rows = TWO_KLINES.substring(1, TWO_KLINES.length() - 1);
    String first = rows.substring(0, rows.indexOf("],[") + 1);
    String second = rows.substring(rows.indexOf("],[") + 2);
    String corrected = second.replace("\"78599.98000000\"", "\"78601.00000000\"");
    List<MarketMessage> candles = BinanceSource.parseKlines("BTCUSDT",
        "[" + second + "," + first + "," + corrected + "]", T0, T0 + 120_000, 0);

    assertThat(candles).extracting(MarketMessage::openTime).containsExactly(T0, T0 + 60_000);
    assertThat(candles.get(1).close()).isEqualByComparingTo("78601");
  }

  @Test
  void shortKlineRowIsMalformedNotACrash() {
    assertThatThrownBy(() -> BinanceSource.parseKlines("BTCUSDT",
        "[[1769904000000,\"1.0\",\"2.0\"]]", T0, T0 + 60_000, 0))
        .isInstanceOf(MalformedPayloadException.class)
        .hasMessage("BTCUSDT: kline row [1769904000000,\"1.0\",\"2.0\"]");
  }

  @Test
  void readsTheExchangesTime() throws Exception {
    enqueue(200, "{\"serverTime\":1769904061234}");

    assertThat(exchange.source.serverTimeMillis()).isEqualTo(1769904061234L);
    assertThat(exchange.server.takeRequest().getUrl().encodedPath()).isEqualTo("/api/v3/time");
  }
}
