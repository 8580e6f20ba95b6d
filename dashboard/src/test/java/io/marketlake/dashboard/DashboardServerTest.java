package io.marketlake.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dashboard's server over literal data: no Spark, no tables. */
class DashboardServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private DashboardServer server;

  /** Data whose overview says how many times it was read; reads can be held back. */
  static final class CountingData implements DashboardData {
    final AtomicInteger overviews = new AtomicInteger();
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    public Overview overview() throws InterruptedException {
      hold.await(30, TimeUnit.SECONDS);
      int n = overviews.incrementAndGet();
      return new Overview(n, List.of("LINKUSDT"), List.of(new Freshness("silver",
          "silver/candles_1m", 120_000L, 123_500L, 3.5)),
          new Quality(2, List.of(new Reason("high_below_low", 2)), List.of()), List.of(), null);
    }

    @Override
    public Candles candles(String symbol, String interval, int limit) {
      return new Candles(symbol, interval, List.of(new double[] {60_000, 1, 2, 0.5, 2.5, 10},
          new double[] {120_000, 2, 1.5, 1.4, 2.1, 7}));
    }

    @Override
    public PredictionSeries predictions(String symbol, int limit) {
      return new PredictionSeries(symbol, 15, List.of(
          new PredictionPoint(60_000, "up", 0.61, 3, "up", true),
          new PredictionPoint(120_000, "down", 0.42, 3, null, null)));
    }
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void servesThePageEchartsFromTheJarAndTheJsonApi() throws Exception {
    server = DashboardServer.start(new CountingData(), "127.0.0.1", 0, Duration.ofMinutes(1));
    assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");

    HttpResponse<String> page = get("");
    assertThat(page.statusCode()).isEqualTo(200);
    // The shared chart script and style load before the page's own, which use them.
    assertThat(page.body()).containsSubsequence("href=\"charts.css\"", "href=\"dashboard.css\"")
        .containsSubsequence("src=\"vendor/echarts.min.js\"", "src=\"charts.js\"",
            "src=\"dashboard.js\"");
    HttpResponse<String> echarts = get("vendor/echarts.min.js");
    assertThat(echarts.statusCode()).isEqualTo(200);
    assertThat(echarts.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/javascript"));
    assertThat(echarts.body().length()).isGreaterThan(500_000);
    // charts.js and charts.css come from the common module's jar, as the report inlines them.
    assertServed("charts.js", "text/javascript", "window.MarketlakeCharts =");
    assertServed("charts.css", "text/css", ".symbol-card");
    assertServed("dashboard.js", "text/javascript", "window.MarketlakeCharts");
    assertServed("dashboard.css", "text/css", ".legend");

    JsonNode overview = json.readTree(get("api/overview").body());
    assertThat(overview.at("/symbols/0").asText()).isEqualTo("LINKUSDT");
    assertThat(overview.at("/freshness/0/lagSeconds").asDouble()).isEqualTo(3.5);
    assertThat(overview.at("/quality/quarantineReasons/0/reason").asText())
        .isEqualTo("high_below_low");
    assertThat(overview.get("hitRate").isNull()).isTrue();

    JsonNode candles = json.readTree(get("api/candles?symbol=LINKUSDT&interval=5m").body());
    assertThat(candles.get("interval").asText()).isEqualTo("5m");
    assertThat(candles.at("/candles/1/0").asLong()).isEqualTo(120_000);
    assertThat(candles.at("/candles/1/2").asDouble()).as("close, ECharts' order").isEqualTo(1.5);
    JsonNode predictions = json.readTree(get("api/predictions?symbol=LINKUSDT").body());
    assertThat(predictions.at("/predictions/0/hit").asBoolean()).isTrue();
    assertThat(predictions.at("/predictions/1/actual").isNull()).isTrue();
  }

  @Test
  void badRequestsAreNamedUnknownPathsAre404() throws Exception {
    server = DashboardServer.start(new CountingData(), "127.0.0.1", 0, Duration.ofMinutes(1));
    HttpResponse<String> interval = get("api/candles?symbol=LINKUSDT&interval=2m");
    assertThat(interval.statusCode()).isEqualTo(400);
    assertThat(interval.body()).contains("interval must be one of [1m, 5m, 1h], got 2m");
    assertThat(get("api/candles?interval=1m").body()).contains("missing query parameter symbol");
    assertThat(get("api/predictions?symbol=X&limit=0").statusCode()).isEqualTo(400);
    assertThat(get("api/nothing").statusCode()).isEqualTo(404);
  }

  @Test
  void aStaleAnswerIsServedAtOnceWhileOneBackgroundReadRefreshesIt() throws Exception {
    CountingData data = new CountingData();
    server = DashboardServer.start(data, "127.0.0.1", 0, Duration.ofMillis(1));
    assertThat(overviewNumber()).isEqualTo(1);

    // The tables are slow now: requests still answer at once, with the answer they have.
    data.hold = new CountDownLatch(1);
    for (int i = 0; i < 5; i++) assertThat(overviewNumber()).isEqualTo(1);
    data.hold.countDown();

    // One refresh ran for all those requests, and its answer is served next.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> overviewNumber() >= 2);
    assertThat(data.overviews.get()).isLessThanOrEqualTo(3);
  }

  private void assertServed(String path, String type, String content) throws Exception {
    HttpResponse<String> file = get(path);
    assertThat(file.statusCode()).as(path).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
        t -> assertThat(t).startsWith(type));
    assertThat(file.body()).as(path).contains(content);
  }

  private long overviewNumber() throws Exception {
    return json.readTree(get("api/overview").body()).get("generatedAt").asLong();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
