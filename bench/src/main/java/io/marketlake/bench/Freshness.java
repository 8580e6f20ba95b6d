package io.marketlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;

import io.marketlake.common.Lakehouse;
import io.marketlake.dashboard.ExchangeTimeline;
import io.marketlake.launcher.Live;
import io.marketlake.launcher.LiveConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.awaitility.Awaitility;

/**
 * How many seconds after a candle closes it is visible at each hop of {@code marketlake live}:
 * Kafka, bronze, silver, gold's 5m window and the prediction for that minute. It runs the product
 * itself ({@link Live}: its local stack, an exchange on a clock at {@code speed}, the poller, the
 * three streaming queries, scoring and the dashboard, in one driver), waits until the first model
 * is trained and the backfilled history has passed through, then measures every candle that
 * closes in the next {@code minutes} of wall time.
 *
 * <p>A row is visible when the Delta commit that first held it was made: the commit's own
 * {@code commitInfo.timestamp}, found through the data file that holds the row (files rewritten
 * by a later MERGE still hold it, so the first commit counts). A candle closes when the
 * exchange's clock passes its close time, mapped to wall time through the run's timeline.
 */
final class Freshness {
  /** History backfilled before live polling: enough labelled minutes for the first model. */
  static final Duration HISTORY = Duration.ofHours(12);
  /** Candles that close this soon after the first model are left out: the queries settle. */
  static final Duration SETTLE = Duration.ofSeconds(30);
  /** How long after the window the last candles may take to reach every hop. */
  static final Duration CATCH_UP = Duration.ofMinutes(3);

  /** The targets at the real pace on 2 cores, by hop; absent: none set. */
  static final Map<String, Double> TARGET_P95_SECONDS = Map.of(
      "silver", 5.0, "gold 5m", 10.0, "prediction", 15.0);

  private final Path workdir;
  private final int minutes;
  private final double speed;
  private final List<String> symbols;
  private final Duration trigger;

  private final boolean severalDrivers;

  /**
   * @param severalDrivers false: {@code live}, one driver; true: the layers as the separate
   *     commands a user would start by hand ({@code ingest poll}, {@code bronze}, {@code silver},
   *     {@code gold} with {@code --trigger}), each its own JVM and Spark driver, on one stack
   */
  Freshness(Path workdir, int minutes, double speed, List<String> symbols, Duration trigger,
      boolean severalDrivers) {
    this.workdir = workdir;
    this.minutes = minutes;
    this.speed = speed;
    this.symbols = List.copyOf(symbols);
    this.trigger = trigger;
    this.severalDrivers = severalDrivers;
  }

  Figures.Section run() throws Exception {
    return severalDrivers ? runSeveralDrivers() : runLive();
  }

  /**
   * The layers as separate commands, each its own JVM (and Spark driver, {@code local[2]}), on
   * a stack of their own: what a user had before {@code live}. No live scoring exists there, so
   * the hops end at gold 5m. Measured from the tables like {@link #runLive}.
   */
  private Figures.Section runSeveralDrivers() throws Exception {
    try (io.marketlake.stack.EmbeddedStack stack = io.marketlake.stack.EmbeddedStack.start(
        io.marketlake.stack.StackOptions.defaults(workdir).withExchangeSpeed(speed))) {
      io.marketlake.common.StackEndpoints endpoints = stack.endpoints();
      ExchangeTimeline timeline = new ExchangeTimeline(System.currentTimeMillis(),
          exchangeNow(endpoints.exchangeUrl()), speed);
      io.marketlake.common.spark.LayerContext ctx = io.marketlake.common.spark.LayerContext.open(
          "marketlake-bench-drivers", endpoints.lakehouseLocation(), endpoints.s3(),
          io.marketlake.common.Defaults.SPARK_MASTER);
      SparkSession spark = ctx.spark();
      Path logs = workdir.resolve("drivers");
      java.nio.file.Files.createDirectories(logs);
      String dir = workdir.toString();
      String every = trigger.toMillis() + "ms";
      List<Process> drivers = new ArrayList<>();
      try {
        drivers.add(driver(logs, "poll", "ingest", "poll", "--workdir", dir, "--symbols",
            String.join(",", symbols)));
        drivers.add(driver(logs, "bronze", "bronze", "--workdir", dir, "--trigger", every));
        // Each layer refuses to start before the table it reads exists, as a user finds.
        awaitTable(spark, ctx.tables().bronzeCandlesRaw(), drivers, logs);
        drivers.add(driver(logs, "silver", "silver", "--workdir", dir, "--trigger", every));
        awaitTable(spark, ctx.tables().silverCandles1m(), drivers, logs);
        drivers.add(driver(logs, "gold", "gold", "--workdir", dir, "--trigger", every));
        String gold5m = ctx.tables().goldCandles("5m");
        // Every layer has committed once: the poller starts at the newest closed minute, so at
        // 1x the first complete window may be minutes away; windows are counted from the
        // measured window on anyway.
        Awaitility.await("gold 5m's first rows").atMost(Duration.ofMinutes(15))
            .pollInterval(Duration.ofSeconds(5))
            .until(() -> allAlive(drivers, logs)
                && io.delta.tables.DeltaTable.isDeltaTable(spark, gold5m)
                && spark.read().format("delta").load(gold5m).limit(1).count() > 0);
        long measureFrom = System.currentTimeMillis() + SETTLE.toMillis();
        long measureTo = measureFrom + Duration.ofMinutes(minutes).toMillis();
        System.out.println(Figures.format("  every layer running in its own JVM; measuring"
            + " candles that close in the next %d minutes (after %d s to settle)", minutes,
            SETTLE.toSeconds()));
        TimeUnit.MILLISECONDS.sleep(measureTo - System.currentTimeMillis());
        allAlive(drivers, logs);
        Hops hops = new Hops(spark, ctx.tables(), timeline, false, measureFrom, measureTo);
        try {
          Awaitility.await("the last candles through every hop").atMost(CATCH_UP)
              .pollInterval(Duration.ofSeconds(5))
              .until(() -> allAlive(drivers, logs) && hops.complete());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          System.out.println("  not every candle was through every hop " + CATCH_UP.toMinutes()
              + " minutes after the window: the pipeline fell behind");
        }
        String setup = Figures.format("the layers as separate commands, each its own JVM and"
            + " `local[2]` Spark driver on the same 2 cores: `ingest poll`, `bronze`, `silver`"
            + " and `gold` (%s), no live scoring; %d symbols at %.0f×; %s", cadence(),
            symbols.size(), speed, hops.measured());
        return hops.section(Figures.format("Freshness per hop, several drivers, at %.0f×, %d"
                + " symbols", speed, symbols.size()),
            Figures.format("bench/run.sh --only freshness --freshness-drivers several"
                + " --freshness-speed %.0f", speed), setup, "\nEach driver's log: `" + logs
                + "`.\n");
      } finally {
        // SIGTERM: each command stops its query (or poller) and exits; then the stack stops.
        drivers.forEach(Process::destroy);
        for (Process p : drivers) {
          if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        spark.stop();
      }
    }
  }

  /** How often the layers run: bronze, silver, gold 5m on the trigger, the rest slower. */
  private String cadence() {
    return Figures.format("bronze, silver and gold 5m on a %s s trigger, gold 1h/1d/daily change"
        + " every %s s", trigger.toMillis() / 1000.0,
        io.marketlake.gold.GoldConfig.DEFAULT_ROLLUPS_EVERY.toMillis() / 1000.0);
  }

  private static void awaitTable(SparkSession spark, String table, List<Process> drivers,
      Path logs) {
    Awaitility.await(table).atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
        .until(() -> allAlive(drivers, logs)
            && io.delta.tables.DeltaTable.isDeltaTable(spark, table));
  }

  /** The exchange's own clock (GET /api/v3/time). */
  private static long exchangeNow(String baseUrl) throws Exception {
    java.net.http.HttpResponse<String> time = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(baseUrl + "/api/v3/time")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(time.body())
        .get("serverTime").asLong();
  }

  /** {@code marketlake ARGS} in a JVM of its own, as bin/marketlake runs it, logging to LOGS. */
  private static Process driver(Path logs, String name, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-XX:+UseParallelGC", "-Dlog4j2.configurationFile=log4j2.properties"));
    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        io.marketlake.launcher.Marketlake.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }

  /** True while every driver runs; a driver that exited fails the run, naming its log. */
  private static boolean allAlive(List<Process> drivers, Path logs) {
    for (Process p : drivers) {
      if (!p.isAlive()) {
        throw new IllegalStateException("a driver exited (" + p.exitValue() + "): see the logs"
            + " in " + logs);
      }
    }
    return true;
  }

  private Figures.Section runLive() throws Exception {
    Live live = new Live(new LiveConfig(workdir, symbols, speed, HISTORY, trigger,
        Duration.ofSeconds(2), Duration.ofHours(1), 0, 17, io.marketlake.common.Defaults
        .HORIZON_MINUTES, null), System.out);
    CompletableFuture<Live.LiveResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return live.run();
      } catch (Exception e) {
        throw new IllegalStateException("live failed", e);
      }
    });
    try {
      Live.Running running = live.awaitRunning(Duration.ofMinutes(15));
      if (running == null) {
        result.get(1, TimeUnit.MINUTES);   // its failure, if it failed
        throw new IllegalStateException("live did not start within 15 minutes");
      }
      Awaitility.await("the first model").atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> endedNot(result) && running.modelsTrained().getAsLong() > 0);
      // Spark jobs per micro-batch, from here on: the fixed cost of each batch, counted.
      SparkWork work = new SparkWork();
      org.apache.spark.SparkContext driver = running.context().spark().sparkContext();
      driver.addSparkListener(work);
      long measureFrom = System.currentTimeMillis() + SETTLE.toMillis();
      long measureTo = measureFrom + Duration.ofMinutes(minutes).toMillis();
      System.out.println(Figures.format("  first model trained; measuring candles that close"
          + " in the next %d minutes (after %d s to settle)", minutes, SETTLE.toSeconds()));
      TimeUnit.MILLISECONDS.sleep(measureTo - System.currentTimeMillis());
      if (result.isDone()) result.get();

      Hops hops = new Hops(running.context().spark(), running.context().tables(),
          running.timeline(), true, measureFrom, measureTo);
      // Every hop has every candle (and window) that closed in the window, or 3 minutes pass.
      // A pipeline that falls behind is a result too: what did not arrive is counted as missing.
      try {
        Awaitility.await("the last candles through every hop").atMost(CATCH_UP)
            .pollInterval(Duration.ofSeconds(5))
            .until(() -> endedNot(result) && hops.complete());
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        System.out.println("  not every candle was through every hop " + CATCH_UP.toMinutes()
            + " minutes after the window: the pipeline fell behind");
      }
      driver.listenerBus().waitUntilEmpty(60_000);
      driver.removeSparkListener(work);
      return hops.section(batchTable(running.queries(), work.jobs()));
    } finally {
      live.stop();
      result.handle((r, e) -> null).get(5, TimeUnit.MINUTES);
    }
  }

  /** The latencies of one measured window, per hop, from the tables live wrote. */
  private final class Hops {
    private final SparkSession spark;
    private final Lakehouse tables;
    private final ExchangeTimeline timeline;
    /** The hops measured: up to the prediction with live's scoring, else up to gold 5m. */
    private final List<String> names;
    private final long from;
    private final long to;
    private final long firstClose;
    private final long lastClose;
    private final long firstWindowClose;
    private final long lastWindowClose;
    private final int expectedMinutes;
    private final int expectedWindows;

    Hops(SparkSession spark, Lakehouse tables, ExchangeTimeline timeline, boolean predictions,
        long from, long to) {
      this.spark = spark;
      this.tables = tables;
      this.timeline = timeline;
      this.names = predictions ? List.of("Kafka", "bronze", "silver", "gold 5m", "prediction")
          : List.of("Kafka", "bronze", "silver", "gold 5m");
      this.from = from;
      this.to = to;
      ExchangeTimeline t = timeline;
      // Closes (exchange ms, whole minutes and 5m windows) whose wall time is in [from, to).
      firstClose = ceil(t.exchangeOf(from), 60_000);
      lastClose = ceil(t.exchangeOf(to), 60_000) - 60_000;
      expectedMinutes = (int) ((lastClose - firstClose) / 60_000 + 1) * symbols.size();
      firstWindowClose = ceil(t.exchangeOf(from), 300_000);
      lastWindowClose = ceil(t.exchangeOf(to), 300_000) - 300_000;
      expectedWindows = (int) Math.max(0, (lastWindowClose - firstWindowClose) / 300_000 + 1)
          * symbols.size();
    }

    /**
     * Whether silver, gold 5m and the predictions hold every minute and window of the window:
     * plain counts, so that the check weighs little on the rows still in flight.
     */
    boolean complete() {
      String minutes = between("open_time", firstClose - 60_000, lastClose - 60_000);
      long candles = spark.read().format("delta").load(tables.silverCandles1m())
          .filter(minutes).count();
      long windows = spark.read().format("delta").load(tables.goldCandles("5m"))
          .filter(between("window_start", firstWindowClose - 300_000, lastWindowClose - 300_000)
              + " AND complete").count();
      if (candles < expectedMinutes || windows < expectedWindows) return false;
      if (!names.contains("prediction")) return true;
      long predicted = spark.read().format("delta").load(tables.goldPredictions())
          .filter(between("as_of", firstClose - 60_000, lastClose - 60_000))
          .select("symbol", "as_of").distinct().count();
      return predicted >= expectedMinutes;
    }

    private static String between(String column, long fromMillis, long toMillis) {
      return column + " BETWEEN timestamp_millis(" + fromMillis + ") AND timestamp_millis("
          + toMillis + ")";
    }

    /** Close → visible, in ms, of every key of {@code hop} that closed in the window. */
    double[] latencies(String hop) throws Exception {
      Dataset<Row> visible = switch (hop) {
        case "Kafka" -> spark.read().format("delta").load(tables.bronzeCandlesRaw())
            .select(col("key"), bronzeClose().as("close"),
                expr("unix_millis(kafka_timestamp)").as("visible"))
            .groupBy("key", "close").agg(min("visible").as("visible"));
        case "bronze" -> firstCommit(spark, tables.bronzeCandlesRaw(), null,
            col("key"), bronzeClose());
        case "silver" -> firstCommit(spark, tables.silverCandles1m(), null, col("symbol"),
            closeOf("open_time", 60));
        case "gold 5m" -> firstCommit(spark, tables.goldCandles("5m"), col("complete"),
            col("symbol"), closeOf("window_start", 300));
        case "prediction" -> firstCommit(spark, tables.goldPredictions(), null, col("symbol"),
            closeOf("as_of", 60));
        default -> throw new IllegalArgumentException(hop);
      };
      ExchangeTimeline t = timeline;
      List<Double> out = new ArrayList<>();
      for (Row r : visible.select("close", "visible").collectAsList()) {
        long close = t.wallOf(r.getLong(0));
        if (close >= from && close < to) out.add((double) (r.getLong(1) - close));
      }
      return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    Figures.Section section(String batches) throws Exception {
      String setup = Figures.format("`marketlake live` (one local[2] driver: the poller; %s;"
              + " scoring at each silver commit and at least every 2 s), %d"
              + " symbols at %.0f×; the first model trained on %d h of backfilled history, then"
              + " %s", cadence(), symbols.size(), speed, HISTORY.toHours(), measured());
      return section(Figures.format("Live freshness per hop at %.0f×, %d symbols", speed,
              symbols.size()),
          Figures.format("bench/run.sh --only freshness --freshness-speed %.0f", speed), setup,
          "\nMicro-batches of the live queries that had input (Spark's own"
              + " durations, the newest 100 per query; the phases are medians; the Spark jobs are"
              + " those of the batches that started in the measured window, counted by a"
              + " listener on the driver):\n\n" + batches);
    }

    /** What was measured: the window, its candles and windows, the time allowed after it. */
    String measured() {
      return Figures.format("every candle that closed in %d minutes of wall time (%d"
          + " candle-minutes, %d 5m windows), allowed %d minutes more to arrive", minutes,
          expectedMinutes, expectedWindows, CATCH_UP.toMinutes());
    }

    Figures.Section section(String title, String command, String setup, String after)
        throws Exception {
      Figures.Table table = new Figures.Table("candle close → visible in", "rows of expected",
          "p50 (s)", "p95 (s)", "p99 (s)", "max (s)", "target p95");
      List<String> headline = new ArrayList<>();
      for (String hop : names) {
        double[] ms = latencies(hop);
        int expected = hop.equals("gold 5m") ? expectedWindows : expectedMinutes;
        Double target = TARGET_P95_SECONDS.get(hop);
        double p95 = Figures.percentile(ms, 95) / 1000;
        // Rows still missing after the catch-up would only have raised the percentiles.
        String verdict = target == null ? "" : ms.length == 0
            ? Figures.format("≤ %.0f s: no rows", target)
            : Figures.format("≤ %.0f s: %s", target,
                p95 <= target && ms.length >= expected ? "met" : "missed");
        table.row(hop, ms.length + " of " + expected, seconds(ms, 50), seconds(ms, 95),
            seconds(ms, 99), seconds(ms, 100), verdict);
        if (target != null) headline.add(Figures.format("%s p95 %.1f s (%s)", hop, p95, verdict));
      }
      return new Figures.Section(title, command,
          List.of(setup, "**" + String.join("; ", headline) + "**"), table.markdown() + after);
    }
  }

  /** True while live runs; its failure, when it failed, ends the wait at once. */
  private static boolean endedNot(CompletableFuture<Live.LiveResult> result) {
    if (result.isDone()) result.join();
    return true;
  }

  /** Bronze's close time: the open_time (ms) inside the raw JSON plus a minute. */
  private static Column bronzeClose() {
    return expr("CAST(get_json_object(value, '$.open_time') AS BIGINT) + 60000");
  }

  private static Column closeOf(String timeColumn, int seconds) {
    return expr("unix_millis(" + timeColumn + ") + " + seconds * 1000L);
  }

  /**
   * Per (symbol, close) key: the wall time (ms) of the first commit whose added files hold a row
   * with that key (and matching {@code filter}). Reads every file the log ever added, so a row a
   * later MERGE rewrote counts from its first commit.
   */
  static Dataset<Row> firstCommit(SparkSession spark, String table, Column filter,
      Column symbol, Column close) throws java.io.IOException {
    org.apache.hadoop.fs.Path logDir = new org.apache.hadoop.fs.Path(table + "/_delta_log");
    org.apache.hadoop.fs.FileSystem fs =
        logDir.getFileSystem(spark.sessionState().newHadoopConf());
    String[] commits = Arrays.stream(fs.listStatus(logDir))
        .map(f -> f.getPath().toString()).filter(p -> p.matches(".*/\\d+\\.json$"))
        .toArray(String[]::new);
    Dataset<Row> log = spark.read().json(commits)
        .withColumn("version", regexp_extract(input_file_name(), "(\\d+)\\.json$", 1)
            .cast("long"));
    Map<String, Long> versionOfFile = new HashMap<>();
    List<String> paths = new ArrayList<>();
    for (Row r : log.filter("add IS NOT NULL").select("add.path", "version").collectAsList()) {
      String relative = URI.create(r.getString(0)).getPath();   // the log URL-encodes paths
      versionOfFile.merge(relative.substring(relative.lastIndexOf('/') + 1), r.getLong(1),
          Math::min);
      paths.add(table + "/" + relative);
    }
    Map<Long, Long> commitMillis = new HashMap<>();
    for (Row r : log.filter("commitInfo IS NOT NULL")
        .select("version", "commitInfo.timestamp").collectAsList()) {
      commitMillis.put(r.getLong(0), r.getLong(1));
    }
    Dataset<Row> rows = spark.read().option("basePath", table)
        .parquet(paths.stream().distinct().toArray(String[]::new));
    if (filter != null) rows = rows.filter(filter);
    List<Row> keys = rows.select(symbol.as("symbol"), close.as("close"),
            regexp_extract(input_file_name(), "([^/]+)$", 1).as("file"))
        .groupBy("symbol", "close").agg(expr("collect_set(file)").as("files")).collectAsList();
    List<Row> out = new ArrayList<>();
    for (Row r : keys) {
      long first = Long.MAX_VALUE;
      for (Object file : r.getList(2)) {
        first = Math.min(first, versionOfFile.getOrDefault((String) file, Long.MAX_VALUE));
      }
      if (first == Long.MAX_VALUE) continue;
      out.add(org.apache.spark.sql.RowFactory.create(r.getLong(1), commitMillis.get(first)));
    }
    return spark.createDataFrame(out, new org.apache.spark.sql.types.StructType()
        .add("close", "long").add("visible", "long"));
  }

  private static String batchTable(List<StreamingQuery> queries, List<SparkWork.Job> jobs) {
    List<String> phases = List.of("latestOffset", "getBatch", "queryPlanning", "walCommit",
        "addBatch", "commitOffsets");
    List<String> header = new ArrayList<>(List.of("query", "micro-batches", "p50 (s)",
        "p95 (s)"));
    phases.forEach(p -> header.add(p + " p50"));
    header.addAll(List.of("Spark jobs per batch p50", "tasks per batch p50",
        "in Spark jobs per batch p50 (s)"));
    Figures.Table batches = new Figures.Table(header.toArray(String[]::new));
    for (StreamingQuery q : queries) {
      var withInput = Arrays.stream(q.recentProgress()).filter(p -> p.numInputRows() > 0)
          .toList();
      double[] took = withInput.stream()
          .mapToDouble(p -> p.durationMs().get("triggerExecution")).toArray();
      List<Object> cells = new ArrayList<>(List.of(q.name(), took.length,
          Figures.format("%.1f", Figures.percentile(took, 50) / 1000),
          Figures.format("%.1f", Figures.percentile(took, 95) / 1000)));
      for (String phase : phases) {
        double[] t = withInput.stream().filter(p -> p.durationMs().containsKey(phase))
            .mapToDouble(p -> p.durationMs().get(phase)).toArray();
        cells.add(median("%.2f", t, 1000));
      }
      var perBatch = jobs.stream().filter(j -> q.id().toString().equals(j.queryId())
              && j.batchId() != null)
          .collect(java.util.stream.Collectors.groupingBy(SparkWork.Job::batchId)).values();
      cells.add(median("%.0f", perBatch.stream().mapToDouble(List::size).toArray(), 1));
      cells.add(median("%.0f", perBatch.stream()
          .mapToDouble(b -> b.stream().mapToInt(SparkWork.Job::tasks).sum()).toArray(), 1));
      cells.add(median("%.1f", perBatch.stream().mapToDouble(SparkWork::busySeconds).toArray(),
          1));
      batches.row(cells.toArray());
    }
    return batches.markdown();
  }

  /** The median of {@code values / divisor}, or "–" when there are none (not "NaN"). */
  static String median(String format, double[] values, double divisor) {
    if (values.length == 0) return "–";
    return Figures.format(format, Figures.median(values) / divisor);
  }

  private static String seconds(double[] millis, double percentile) {
    if (millis.length == 0) return "–";
    return Figures.format("%.1f", Figures.percentile(millis, percentile) / 1000);
  }

  private static long ceil(long millis, long unit) {
    return Math.floorDiv(millis + unit - 1, unit) * unit;
  }
}
