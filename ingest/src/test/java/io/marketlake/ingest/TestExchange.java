package io.marketlake.ingest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** A MockWebServer on 127.0.0.1 plus a Binance source wired to it with fake time. */
final class TestExchange implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  final FakeTime time;
  final IngestStats stats = new IngestStats();
  final StringWriter logText = new StringWriter();
  final ActivityLog log;
  final OkHttpClient client;
  final WeightBudget budget;
  final ExchangeHttp http;
  final BinanceSource source;

  TestExchange(FakeTime time, int maxRetries, Duration timeout) throws IOException {
    this.time = time;
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    log = new ActivityLog(new PrintWriter(logText), time);
    client = ExchangeHttp.newClient(timeout);
    budget = WeightBudget.binance(6000, time, time.sleeper());
    RetryPolicy retry =
        new RetryPolicy(maxRetries, Duration.ofMillis(500), Duration.ofSeconds(30), new Random(7));
    http = new ExchangeHttp(client, budget, retry, time, time.sleeper(), stats, log);
    source = new BinanceSource(baseUrl(), http, stats, time);
  }

  HttpUrl baseUrl() {
    return HttpUrl.get("http://127.0.0.1:" + server.getPort() + "/");
  }

  void enqueue(int code, String body, String... headers) {
    mockwebserver3.MockResponse.Builder b =
        new mockwebserver3.MockResponse.Builder().code(code).body(body);
    for (int i = 0; i < headers.length; i += 2) b.addHeader(headers[i], headers[i + 1]);
    server.enqueue(b.build());
  }

  /** What a test fetches from a source wired to a given exchange. */
  @FunctionalInterface
  interface Fetch {
    List<?> from(TestExchange exchange) throws Exception;
  }

  /**
   * Scripts a 418 ban (90 s), a 500 and an answer slower than the read timeout before a good
   * answer, and checks that {@code fetch} rides all three out with the right waits: no request
   * during the ban, the 500 and the timeout retried. For each source's own answer shape.
   */
  static void assertRidesOutBanErrorAndSlowAnswer(FakeTime time, String goodBody, Fetch fetch)
      throws Exception {
    // A source of its own with a short read timeout, so that "slow" is 1 s here.
    try (TestExchange quick = new TestExchange(time, 3, Duration.ofMillis(300))) {
      quick.enqueue(418, "{}", "Retry-After", "90");
      quick.enqueue(500, "Internal error");
      quick.server.enqueue(new mockwebserver3.MockResponse.Builder().code(200).body(goodBody)
          .headersDelay(1, java.util.concurrent.TimeUnit.SECONDS).build());
      quick.enqueue(200, goodBody);
      long began = time.millis();

      org.assertj.core.api.Assertions.assertThat(fetch.from(quick)).isNotEmpty();

      org.assertj.core.api.Assertions.assertThat(quick.stats.bans.get()).isEqualTo(1);
      org.assertj.core.api.Assertions.assertThat(quick.stats.retries.get())
          .as("the 500 and the timeout").isEqualTo(2);
      org.assertj.core.api.Assertions.assertThat(time.millis() - began)
          .as("no request before the ban ended").isGreaterThanOrEqualTo(90_000);
      org.assertj.core.api.Assertions.assertThat(quick.logText.toString())
          .contains("HTTP 418 (IP banned)").containsAnyOf("timeout", "timed out");
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    server.close();
  }
}
