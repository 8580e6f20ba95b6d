package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.launcher.Live;
import io.marketlake.launcher.LiveConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code live} at 60× on the local stack, seen through its dashboard: headless Chromium (driven
 * by playwright-core, {@code it/browser}) finds a candle chart per symbol and sees a new minute
 * arrive; live predictions of the newest model appear minute after minute; a stop returns
 * normally, and a second run in the same work directory resumes with every minute once: no gap,
 * no duplicate across the restart.
 */
class LiveDashboardIT {
  private static final Path BROWSER = LayerJars.projectRoot().resolve("it/browser");
  /** At the start, before a model exists. */
  private static final Path FIRST_SCREENSHOT = LayerJars.projectRoot()
      .resolve("it/target/live-dashboard-start.png");
  /** With live predictions: the README's picture. */
  private static final Path SCREENSHOT = LayerJars.projectRoot()
      .resolve("it/target/live-dashboard.png");
  private static final List<String> SYMBOLS = List.of("LINKUSDT", "NEARUSDT");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path workdir;

  @Test
  void theDashboardMovesLivePredictionsArriveAndARestartResumes() throws Exception {
    String why = "the dashboard's browser test drives Debian's chromium with playwright-core"
        + " (apt-get install -y chromium nodejs npm)";
    String node = NodeTools.require("node", why);
    NodeTools.require("chromium", why);   // check-dashboard.mjs launches /usr/bin/chromium (or $CHROMIUM)
    NodeTools.npmCi(NodeTools.require("npm", why), BROWSER, "node_modules/playwright-core");
    // A 5 s trigger (the default is 2 s): at 60x the layers would otherwise run back to back and
    // leave the first train little of the two cores.
    LiveConfig config = new LiveConfig(workdir, SYMBOLS, 60, Duration.ofHours(12),
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofHours(1), 0, 42, 15, null);

    // live builds its own session, as bin/marketlake live does: with the fair scheduler, without
    // which a train's jobs hold the layers' back for minutes. A session an earlier test of this
    // JVM left is stopped first (TestSpark makes a new one for later tests); live leaves a
    // session it did not create running, and stops its own.
    org.apache.spark.sql.SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
    // (The JVM-wide S3A file systems of the earlier test's stack are replaced when live's new
    // session is pointed at its own: LakehouseSpark.configure.)

    long lastBeforeStop;
    try (Running first = Running.start(config)) {
      URI page = first.dashboard();
      NodeTools.Result check = NodeTools.run(List.of(node,
          BROWSER.resolve("check-dashboard.mjs").toString(), "--url", page.toString(),
          "--symbols", String.join(",", SYMBOLS), "--screenshot", FIRST_SCREENSHOT.toString(),
          "--timeout", "180", "--new-minute"), 240);
      assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
      JsonNode seen = JSON.readTree(check.out());
      assertThat(seen.get("ok").asBoolean()).isTrue();
      for (String symbol : SYMBOLS) {
        JsonNode s = seen.at("/symbols/" + symbol);
        assertThat(s.get("lastOpenAfter").asLong()).isGreaterThan(s.get("lastOpen").asLong());
      }
      assertThat(Files.size(FIRST_SCREENSHOT)).isGreaterThan(20_000);

      // Live scoring: the newest model's latest prediction moves on, minute after minute: the
      // train's own predictions first, then at least two scoring rounds after it.
      java.util.SortedSet<Long> newestSeen = new java.util.TreeSet<>();
      Awaitility.await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
          .until(() -> {
            long newest = newestPrediction(page, SYMBOLS.get(0));
            if (newest > 0) newestSeen.add(newest);
            return newestSeen.size() >= 3;
          });
      JsonNode overview = get(page, "api/overview");
      assertThat(overview.at("/models/0/version").asInt()).isGreaterThanOrEqualTo(1);
      assertThat(overview.at("/hitRate/predictions").asLong()).isPositive();
      NodeTools.Result withPredictions = NodeTools.run(List.of(node,
          BROWSER.resolve("check-dashboard.mjs").toString(), "--url", page.toString(),
          "--symbols", String.join(",", SYMBOLS), "--screenshot", SCREENSHOT.toString(),
          "--timeout", "120"), 180);
      assertThat(withPredictions.exitCode()).as(withPredictions.out() + withPredictions.err())
          .isZero();
      lastBeforeStop = newestCandle(page, SYMBOLS.get(0));
      Live.LiveResult result = first.stop();
      assertThat(result.modelsTrained()).as(first.output().toString()).isGreaterThanOrEqualTo(1);
      assertThat(result.predictionsWritten()).as(first.output().toString()).isPositive();
    }

    try (Running second = Running.start(config)) {
      URI page = second.dashboard();
      Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
          .until(() -> newestCandle(page, SYMBOLS.get(0)) > lastBeforeStop + 3 * 60_000);
      for (String symbol : SYMBOLS) {
        List<Long> opens = new ArrayList<>();
        get(page, "api/candles?symbol=" + symbol + "&interval=1m&limit=5000").get("candles")
            .forEach(c -> opens.add(c.get(0).asLong()));
        assertThat(opens).as(symbol + ": 1m candles across the restart").hasSizeGreaterThan(720);
        for (int i = 1; i < opens.size(); i++) {
          assertThat(opens.get(i) - opens.get(i - 1))
              .as("%s: the minute after %d (no gap, no duplicate)", symbol, opens.get(i - 1))
              .isEqualTo(60_000);
        }
      }
      second.stop();
    }
  }

  private long newestCandle(URI page, String symbol) throws Exception {
    JsonNode candles = get(page, "api/candles?symbol=" + symbol + "&interval=1m&limit=1")
        .get("candles");
    return candles.isEmpty() ? 0 : candles.get(0).get(0).asLong();
  }

  private long newestPrediction(URI page, String symbol) throws Exception {
    JsonNode predictions = get(page, "api/predictions?symbol=" + symbol + "&limit=1")
        .get("predictions");
    return predictions.isEmpty() ? 0 : predictions.get(0).get("asOf").asLong();
  }

  private JsonNode get(URI page, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(page.resolve(path))
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** A {@link Live} on a thread of its own; its output is kept for the failure message. */
  private record Running(Live live, CompletableFuture<Live.LiveResult> result,
      ByteArrayOutputStream output) implements AutoCloseable {
    static Running start(LiveConfig config) {
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      // Kept for failure messages, and shown in the test's output as it happens.
      PrintStream both = new PrintStream(new java.io.OutputStream() {
        @Override
        public void write(int b) {
          output.write(b);
          System.out.write(b);
        }

        @Override
        public void flush() {
          System.out.flush();
        }
      }, true);
      Live live = new Live(config, both);
      CompletableFuture<Live.LiveResult> result = new CompletableFuture<>();
      Thread thread = new Thread(() -> {
        try {
          result.complete(live.run());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      }, "live-under-test");
      thread.start();
      return new Running(live, result, output);
    }

    URI dashboard() throws Exception {
      URI uri = live.awaitDashboard(Duration.ofMinutes(2));
      assertThat(uri).as("the dashboard within 2 minutes: " + output).isNotNull();
      return uri;
    }

    Live.LiveResult stop() throws Exception {
      live.stop();
      return result.get(2, TimeUnit.MINUTES);
    }

    @Override
    public void close() throws Exception {
      if (!result.isDone()) {
        live.stop();
        result.get(2, TimeUnit.MINUTES);
      }
    }
  }
}
