package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedExchangeTest {
  static final Instant NOW = Instant.parse("2026-02-10T12:00:30Z");
  static final long MIN = 60_000L;
  static final long NOON = Instant.parse("2026-02-10T12:00:00Z").toEpochMilli();
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<SimulatedExchange> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(SimulatedExchange::close);
  }

  SimulatedExchange start(ExchangeOptions options) throws IOException {
    // A fixed wall clock mid-minute: the weight budget never rolls over during a test.
    SimulatedExchange exchange = SimulatedExchange.start(options, () -> NOON + 40_000);
    started.add(exchange);
    return exchange;
  }

  SimulatedExchange start() throws IOException {
    return start(ExchangeOptions.defaults().withClock(SimulatedClock.fixed(NOW)));
  }

  static HttpResponse<String> get(SimulatedExchange exchange, String pathAndQuery)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(exchange.baseUrl() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode klines(SimulatedExchange exchange, String query) throws Exception {
    HttpResponse<String> response = get(exchange, "/api/v3/klines?interval=1m&" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void klineArraysHaveBinanceLayoutWithStringPrices() throws Exception {
    JsonNode candles = klines(start(), "symbol=BTCUSDT&limit=3");

    assertThat(candles).hasSize(3);
    JsonNode last = candles.get(2);
    assertThat(last).hasSize(12);
    assertThat(last.get(0).isNumber()).isTrue();
    for (int i : new int[] {1, 2, 3, 4, 5, 7, 9, 10, 11}) {
      assertThat(last.get(i).isTextual()).as("element %d", i).isTrue();
    }
    assertThat(last.get(6).asLong()).isEqualTo(last.get(0).asLong() + 59_999);
    assertThat(last.get(8).isNumber()).isTrue();
    assertThat(last.get(11).asText()).isEqualTo("0");
    // as on Binance, the newest is the minute still forming at 12:00:30, closing in the future
    assertThat(last.get(0).asLong()).isEqualTo(NOON);
    assertThat(last.get(6).asLong()).isGreaterThan(NOW.toEpochMilli());
  }

  @Test
  void servesTheFormingCandleWithItsValuesSoFarAndNothingLater() throws Exception {
    SimulatedExchange exchange = start();
    JsonNode candles = klines(exchange,
        "symbol=ETHUSDT&startTime=" + (NOON - 2 * MIN) + "&endTime=" + (NOON + 10 * MIN));
    // the same minute once it has closed, from an exchange whose clock is a minute later
    JsonNode closed = klines(start(ExchangeOptions.defaults().withClock(
        SimulatedClock.fixed(NOW.plusSeconds(60)))), "symbol=ETHUSDT&startTime=" + NOON + "&limit=1");

    assertThat(candles).extracting(c -> c.get(0).asLong())
        .containsExactly(NOON - 2 * MIN, NOON - MIN, NOON);
    JsonNode forming = candles.get(2);
    JsonNode last = closed.get(0);
    assertThat(forming.get(6).asLong()).isEqualTo(NOON + 59_999);
    assertThat(forming.get(1).asText()).isEqualTo(last.get(1).asText());
    // 30 of 60 seconds gone: half the volume, the close half way from the open to the final close
    BigDecimal open = new BigDecimal(last.get(1).asText());
    BigDecimal finalClose = new BigDecimal(last.get(4).asText());
    BigDecimal finalVolume = new BigDecimal(last.get(5).asText());
    assertThat(forming.get(5).asText()).isEqualTo(half(finalVolume).toPlainString());
    assertThat(forming.get(4).asText()).isEqualTo(half(open.add(finalClose))
        .setScale(finalClose.scale(), RoundingMode.HALF_UP).toPlainString());
    assertThat(forming.get(8).asLong()).isEqualTo(last.get(8).asLong() / 2);
    assertThat(forming).isNotEqualTo(last);
    // the earlier minutes are final, the same from both exchanges
    assertThat(candles.get(1)).isEqualTo(klines(started.get(1),
        "symbol=ETHUSDT&startTime=" + (NOON - MIN) + "&limit=1").get(0));
    assertThat(klines(exchange, "symbol=ETHUSDT&startTime=" + (NOON + MIN))).isEmpty();
  }

  static BigDecimal half(BigDecimal value) {
    return value.divide(BigDecimal.valueOf(2)).setScale(value.scale(), RoundingMode.HALF_UP);
  }

  @Test
  void startEndAndLimitSelectOpenTimesInclusively() throws Exception {
    SimulatedExchange exchange = start();
    long ten = NOON - 120 * MIN;

    assertThat(klines(exchange, "symbol=SOLUSDT&startTime=" + ten + "&endTime=" + (ten + 9 * MIN)))
        .hasSize(10);
    assertThat(klines(exchange, "symbol=SOLUSDT&startTime=" + ten + "&limit=3"))
        .extracting(c -> c.get(0).asLong()).containsExactly(ten, ten + MIN, ten + 2 * MIN);
    // mid-minute startTime: the first candle opening at or after it
    assertThat(klines(exchange, "symbol=SOLUSDT&startTime=" + (ten + 1) + "&limit=1").get(0)
        .get(0).asLong()).isEqualTo(ten + MIN);
    // endTime alone: the latest `limit` candles up to it
    assertThat(klines(exchange, "symbol=SOLUSDT&endTime=" + ten + "&limit=2"))
        .extracting(c -> c.get(0).asLong()).containsExactly(ten - MIN, ten);
    assertThat(klines(exchange, "symbol=SOLUSDT")).hasSize(500);
    assertThat(klines(exchange, "symbol=SOLUSDT&startTime=0&limit=5000")).hasSize(1000);
  }

  @Test
  void badRequestsGetBinanceErrors() throws Exception {
    SimulatedExchange exchange = start();

    assertError(get(exchange, "/api/v3/klines?symbol=BTCUSDT&interval=5m"), -1120,
        "Invalid interval.");
    assertError(get(exchange, "/api/v3/klines?symbol=BTC-USDT&interval=1m"), -1121,
        "Invalid symbol.");
    assertError(get(exchange, "/api/v3/klines?interval=1m"), -1102,
        "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    assertError(get(exchange, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=0"), -1100,
        "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
  }

  static void assertError(HttpResponse<String> response, int code, String msg) throws Exception {
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("code").asInt()).isEqualTo(code);
    assertThat(body.get("msg").asText()).isEqualTo(msg);
  }

  @Test
  void candlesAreConsistentAndRealistic() throws Exception {
    SimulatedExchange exchange = start();
    // spans a day boundary: the bridge must join days without a jump
    JsonNode candles = klines(exchange,
        "symbol=NEARUSDT&limit=1000&startTime=" + Instant.parse("2026-02-09T00:00:00Z")
            .minusSeconds(300 * 60).toEpochMilli());

    assertThat(candles).hasSize(1000);
    BigDecimal previousClose = null;
    for (JsonNode c : candles) {
      BigDecimal open = new BigDecimal(c.get(1).asText());
      BigDecimal high = new BigDecimal(c.get(2).asText());
      BigDecimal low = new BigDecimal(c.get(3).asText());
      BigDecimal close = new BigDecimal(c.get(4).asText());
      assertThat(high).isGreaterThanOrEqualTo(open.max(close));
      assertThat(low).isLessThanOrEqualTo(open.min(close)).isPositive();
      assertThat(new BigDecimal(c.get(5).asText())).isPositive();
      assertThat(c.get(8).asLong()).isPositive();
      if (previousClose != null) assertThat(open).isEqualByComparingTo(previousClose);
      previousClose = close;
    }
  }

  @Test
  void sameSeedGivesSameCandlesAcrossInstancesAndRequests() throws Exception {
    ExchangeOptions options = ExchangeOptions.defaults().withClock(SimulatedClock.fixed(NOW));
    String query = "/api/v3/klines?symbol=XYZUSDT&interval=1m&startTime=1600000000000&limit=50";

    String first = get(start(options.withSeed(7)), query).body();
    String second = get(start(options.withSeed(7)), query).body();
    String otherSeed = get(start(options.withSeed(8)), query).body();

    assertThat(second).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
    // random access: a single candle equals the same minute inside a larger page
    JsonNode page = JSON.readTree(first);
    JsonNode single = klines(started.get(0),
        "symbol=XYZUSDT&limit=1&startTime=" + page.get(20).get(0).asLong());
    assertThat(single.get(0)).isEqualTo(page.get(20));
  }

  @Test
  void weightHeaderCountsEachRequest() throws Exception {
    SimulatedExchange exchange = start();

    assertThat(weight(get(exchange, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1")))
        .isEqualTo(2);
    assertThat(weight(get(exchange, "/api/v3/ping"))).isEqualTo(3);
    assertThat(weight(get(exchange, "/api/v3/ticker/24hr?symbol=BTCUSDT"))).isEqualTo(5);
    assertThat(weight(get(exchange, "/api/v3/ticker/24hr"))).isEqualTo(45);
    assertThat(exchange.usedWeight()).isEqualTo(45);
  }

  static int weight(HttpResponse<String> response) {
    return Integer.parseInt(response.headers().firstValue("X-MBX-USED-WEIGHT-1M").orElseThrow());
  }

  @Test
  void answers429WithRetryAfterPastTheBudget() throws Exception {
    SimulatedExchange exchange =
        start(ExchangeOptions.defaults().withClock(SimulatedClock.fixed(NOW)).withWeightLimit(5));
    String query = "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1";

    assertThat(get(exchange, query).statusCode()).isEqualTo(200);
    assertThat(get(exchange, query).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = get(exchange, query);

    assertThat(refused.statusCode()).isEqualTo(429);
    // the wall clock is at :40 of its minute
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
    assertThat(weight(refused)).isEqualTo(4);
    assertThat(JSON.readTree(refused.body()).get("code").asInt()).isEqualTo(-1003);
    assertThat(exchange.requests()).isEqualTo(3);
    assertThat(exchange.rateLimited()).isEqualTo(1);
    JsonNode stats = JSON.readTree(get(exchange, "/sim/stats").body());
    assertThat(stats.get("requests").asLong()).isEqualTo(3);
    assertThat(stats.get("rateLimited").asLong()).isEqualTo(1);
  }

  @Test
  void tickerSummarisesTheLastDayOfClosedCandles() throws Exception {
    SimulatedExchange exchange = start();
    JsonNode day = klines(exchange, "symbol=BTCUSDT&limit=1000&startTime=" + (NOON - 1440 * MIN));
    JsonNode last = klines(exchange, "symbol=BTCUSDT&limit=1&endTime=" + (NOON - 1)).get(0);

    JsonNode ticker = JSON.readTree(get(exchange, "/api/v3/ticker/24hr?symbol=BTCUSDT").body());

    assertThat(ticker.get("symbol").asText()).isEqualTo("BTCUSDT");
    assertThat(ticker.get("openTime").asLong()).isEqualTo(NOON - 1440 * MIN);
    assertThat(ticker.get("closeTime").asLong()).isEqualTo(NOON - 1);
    assertThat(ticker.get("openPrice").asText()).isEqualTo(day.get(0).get(1).asText());
    assertThat(ticker.get("lastPrice").asText()).isEqualTo(last.get(4).asText());
    assertThat(new BigDecimal(ticker.get("priceChange").asText())).isEqualByComparingTo(
        new BigDecimal(last.get(4).asText()).subtract(new BigDecimal(day.get(0).get(1).asText())));
    assertThat(ticker.get("count").asLong()).isPositive();

    JsonNode two = JSON.readTree(get(exchange,
        "/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D").body());
    assertThat(two).extracting(t -> t.get("symbol").asText()).containsExactly("BTCUSDT", "ETHUSDT");
  }

  @Test
  void timeAndPingUseTheExchangeClock() throws Exception {
    SimulatedExchange exchange = start();

    assertThat(get(exchange, "/api/v3/ping").body()).isEqualTo("{}");
    assertThat(JSON.readTree(get(exchange, "/api/v3/time").body()).get("serverTime").asLong())
        .isEqualTo(NOW.toEpochMilli());
  }
}
