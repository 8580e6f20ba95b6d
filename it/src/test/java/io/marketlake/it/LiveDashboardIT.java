package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.StackEndpoints;
import io.marketlake.launcher.Marketlake;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code live} at 60× on the local stack, seen through its dashboard: headless Chromium (driven
 * by playwright-core, {@code it/browser}) finds a candle chart per symbol and sees a new minute
 * arrive; live predictions of the newest model appear minute after minute. live runs as a
 * process of its own and is stopped as users stop it: by SIGINT to its process group (Ctrl-C) and
 * by SIGTERM to it (timeout, a service manager), each time exiting 0 with no error, its writer
 * leases released and no server of its stack left running; the second run, in the same work
 * directory, resumes with every minute once: no gap, no duplicate across the restart.
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
    // Not every Unix has these; CI (Debian) does. setsid: live runs in a process group of its
    // own, which the test signals as a terminal's Ctrl-C or `timeout` would, the stack's servers
    // included. env --default-signal: a test JVM started in the background ignores SIGINT, and
    // its children would inherit that.
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")),
        "setsid is not installed (util-linux)");
    long lastBeforeStop;
    try (Running first = Running.start(workdir, 1)) {
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
      // Ctrl-C in a terminal: SIGINT to the whole process group.
      Stopped stopped = first.stopBy("INT");
      assertThat(stopped.modelsTrained()).as(stopped.output()).isGreaterThanOrEqualTo(1);
      assertThat(stopped.predictionsWritten()).as(stopped.output()).isPositive();
    }

    try (Running second = Running.start(workdir, 2)) {
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
      // timeout(1) or a service manager: SIGTERM to the whole process group.
      second.stopBy("TERM");
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

  /** What a stopped run printed, and its own account of what it did. */
  private record Stopped(String output, long predictionsWritten, long modelsTrained) {}

  /**
   * {@code marketlake live} in a JVM and process group of its own, as {@code bin/marketlake live}
   * runs it: its output goes to {@code WORKDIR/../live-RUN.out}.
   */
  private record Running(Process process, Path workdir, Path outputFile) implements AutoCloseable {
    static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://\\S+)");
    static final Pattern STOPPED = Pattern.compile(
        "live: stopped; (\\d+) predictions written, (\\d+) models trained");

    static Running start(Path workdir, int run) throws Exception {
      Path output = workdir.resolveSibling(workdir.getFileName() + "-live-" + run + ".out");
      List<String> command = new ArrayList<>(List.of("/usr/bin/setsid", "env",
          "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java")
              .toString(), "-Xmx2g", "-XX:+UseParallelGC",
          // The launcher's own logging, not the test classpath's log4j2-test.
          "-Dlog4j2.configurationFile=log4j2.properties"));
      // The test JVM's own module flags are exactly what Spark needs.
      ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
          .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")
              || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
          .forEach(command::add);
      // A 5 s trigger (the default is 0.5 s): at 60x the layers would otherwise run back to back
      // and leave the first train little of the two cores.
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          Marketlake.class.getName(), "live", "--workdir", workdir.toString(),
          "--symbols", String.join(",", SYMBOLS), "--exchange-speed", "60", "--history", "12h",
          "--trigger", "5s", "--score-every", "2s", "--retrain-every", "1h", "--port", "0",
          "--seed", "42", "--horizon", "15"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile());
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      return new Running(builder.start(), workdir, output);
    }

    String output() {
      try {
        return Files.readString(outputFile);
      } catch (java.io.IOException e) {
        return outputFile + " unreadable: " + e;
      }
    }

    URI dashboard() {
      String[] found = new String[1];
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
          .failFast("live exited: " + output(), () -> !process.isAlive())
          .until(() -> {
            Matcher m = DASHBOARD.matcher(output());
            if (m.find()) found[0] = m.group(1);
            return found[0] != null;
          });
      return URI.create(found[0]);
    }

    /**
     * Sends {@code signal} to live's whole process group, as a terminal or a service manager
     * does, and checks the stop was clean: exit 0, no error logged, every writer lease released,
     * no server of the stack left running.
     */
    Stopped stopBy(String signal) throws Exception {
      Map<String, Long> servers = StackEndpoints.read(workdir).pids();
      Process kill = new ProcessBuilder("kill", "-s", signal, "--", "-" + process.pid())
          .redirectErrorStream(true).start();
      assertThat(kill.waitFor()).as("kill -s %s -- -%d", signal, process.pid()).isZero();
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("stopped by SIG" + signal
          + " within 2 minutes: " + output()).isTrue();
      String out = output();
      assertThat(process.exitValue()).as("exit code after SIG" + signal + ": " + out).isZero();
      assertThat(out).as("stopped by SIG" + signal).contains("SIG" + signal + " received")
          .doesNotContain(" ERROR ").doesNotContain("could not release");
      servers.forEach((name, pid) -> assertThat(ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)).as("the stack's %s (pid %d) after live", name, pid)
          .isEmpty());
      assertLeasesReleased();
      Matcher m = STOPPED.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      return new Stopped(out, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The newest epoch of each job's lease says released (S3 stores objects as plain files). */
    private void assertLeasesReleased() throws Exception {
      List<Path> leases;
      try (Stream<Path> files = Files.walk(workdir.resolve("s3"))) {
        leases = files.filter(f -> f.getParent().getParent().getFileName().toString()
                .equals("_leases") && f.toString().endsWith(".json"))
            .collect(Collectors.groupingBy(Path::getParent, Collectors.maxBy(
                java.util.Comparator.comparing(f -> f.getFileName().toString()))))
            .values().stream().flatMap(java.util.Optional::stream).toList();
      }
      assertThat(leases).as("lease objects under " + workdir.resolve("s3")).hasSize(4);
      for (Path lease : leases) {
        assertThat(JSON.readTree(lease.toFile()).path("released_at").asText(""))
            .as("released_at of " + lease).isNotBlank();
      }
    }

    @Override
    public void close() throws Exception {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.MINUTES)) process.destroyForcibly();
      }
    }
  }
}
