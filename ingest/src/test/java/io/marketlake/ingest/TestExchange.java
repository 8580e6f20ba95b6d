package io.marketlake.ingest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
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

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    server.close();
  }
}
