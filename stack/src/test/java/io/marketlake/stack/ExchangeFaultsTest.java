package io.marketlake.stack;

import static io.marketlake.stack.SimulatedExchangeTest.JSON;
import static io.marketlake.stack.SimulatedExchangeTest.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketlake.common.UsageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExchangeFaultsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private SimulatedExchange exchange;

  @AfterEach
  void stop() {
    if (exchange != null) exchange.close();
  }

  private SimulatedExchange start(String spec) throws IOException {
    exchange = SimulatedExchange.start(ExchangeOptions.defaults()
        .withClock(SimulatedClock.fixed(NOW))
        .withFaults(ExchangeFaults.parse(spec, Duration.ofSeconds(3), Duration.ofMillis(1500), 7)));
    return exchange;
  }

  private HttpResponse<String> klines(Duration timeout) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(exchange.baseUrl()
            + "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3")).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> klines() throws Exception {
    return klines(Duration.ofSeconds(10));
  }

  @Test
  void rateLimitAnswers429WithRetryAfter() throws Exception {
    start("429=1");
    HttpResponse<String> response = klines();
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(JSON.readTree(response.body()).get("code").asInt()).isEqualTo(-1003);
    assertThat(exchange.injectedFaults()).containsEntry(ExchangeFaults.Kind.RATE_LIMIT, 1L);
  }

  @Test
  void aBanRefusesEveryRequestUntilItEnds() throws Exception {
    start("418=1");
    HttpResponse<String> first = klines();
    HttpResponse<String> second = klines();
    assertThat(first.statusCode()).isEqualTo(418);
    assertThat(second.statusCode()).isEqualTo(418);
    assertThat(Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 3L);
    // One ban, however many requests it refused.
    assertThat(exchange.injectedFaults()).containsEntry(ExchangeFaults.Kind.BAN, 1L);
    // A ban covers every endpoint, the clock too.
    assertThat(SimulatedExchangeTest.get(exchange, "/api/v3/time").statusCode()).isEqualTo(418);
  }

  @Test
  void serverErrorsAreOneOf500502503() throws Exception {
    start("5xx=1");
    assertThat(klines().statusCode()).isIn(500, 502, 503);
  }

  @Test
  void aTimeoutHoldsTheAnswerBackPastTheClientsPatience() throws Exception {
    start("timeout=1");
    assertThatThrownBy(() -> klines(Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void malformedAnswersAreCutOffJson() throws Exception {
    start("malformed=1");
    HttpResponse<String> response = klines();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> JSON.readTree(response.body())).isInstanceOf(IOException.class);
  }

  @Test
  void duplicateAnswersHoldOneCandleTwice() throws Exception {
    start("duplicate=1");
    JsonNode candles = JSON.readTree(klines().body());
    assertThat(candles).hasSize(4);
    assertThat(candles.get(0)).isEqualTo(candles.get(1));
    assertThat(candles.get(1).get(0).asLong()).isLessThan(candles.get(2).get(0).asLong());
  }

  @Test
  void lateAnswersLackTheMinutesClosedSinceTheReplicaLaggedAndTheFormingCandle() throws Exception {
    start("late=1");
    JsonNode late = JSON.readTree(klines().body());
    long noon = NOW.toEpochMilli() - 30_000;
    // At 12:00:30 a replica 5 s behind has 11:59 closed and serves no forming 12:00.
    assertThat(late).extracting(k -> k.get(0).asLong())
        .containsExactly(noon - 180_000, noon - 120_000, noon - 60_000);
    assertThat(late.get(2).get(6).asLong()).isLessThan(NOW.toEpochMilli() - 5_000);
    assertThat(exchange.injectedFaults()).containsEntry(ExchangeFaults.Kind.LATE, 1L);
    exchange.close();

    start("");
    JsonNode clean = JSON.readTree(klines().body());
    assertThat(clean.get(2).get(0).asLong()).as("the forming candle").isEqualTo(noon);
  }

  @Test
  void ratesMixAtRandomButReproducibly() throws Exception {
    start("5xx=0.3,duplicate=0.3");
    int errors = 0;
    for (int i = 0; i < 200; i++) {
      if (klines().statusCode() != 200) errors++;
    }
    Map<ExchangeFaults.Kind, Long> injected = exchange.injectedFaults();
    assertThat(injected.get(ExchangeFaults.Kind.SERVER_ERROR)).isEqualTo(errors)
        .isBetween(35L, 85L);
    assertThat(injected.get(ExchangeFaults.Kind.DUPLICATE)).isBetween(35L, 85L);
    assertThat(JSON.readTree(SimulatedExchangeTest.get(exchange, "/sim/stats").body())
        .get("injectedFaults").get("5xx").asLong()).isEqualTo(errors);
  }

  @Test
  void badSpecsNameTheOption() {
    assertThatThrownBy(() -> FaultOptions.parse("404=0.1", "2s", "12s", 1))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid fault '404=0.1': expected KIND=RATE with KIND one of 429, 418, 5xx,"
            + " timeout, malformed, duplicate, late, e.g. 5xx=0.05 (--exchange-faults)");
    assertThatThrownBy(() -> FaultOptions.parse("5xx=0.7,429=0.5", "2s", "12s", 1))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("Fault rates add up to 1.2");
    assertThatThrownBy(() -> FaultOptions.parse("5xx=0.1", "soon", "12s", 1))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid --fault-retry-after 'soon': expected a duration such as 2s, 500ms"
            + " or 1m");
    assertThat(FaultOptions.parse("5XX=0.05, malformed=0.02", "2s", "12s", 1).toString())
        .isEqualTo("5xx=0.05,malformed=0.02");
  }
}
