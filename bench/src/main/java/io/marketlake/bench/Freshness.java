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

  Freshness(Path workdir, int minutes, double speed, List<String> symbols, Duration trigger) {
    this.workdir = workdir;
    this.minutes = minutes;
    this.speed = speed;
    this.symbols = List.copyOf(symbols);
    this.trigger = trigger;
  }

  Figures.Section run() throws Exception {
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

      Hops hops = new Hops(running, measureFrom, measureTo);
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
    private final Live.Running running;
    private final long from;
    private final long to;
    private final long firstClose;
    private final long lastClose;
    private final long firstWindowClose;
    private final long lastWindowClose;
    private final int expectedMinutes;
    private final int expectedWindows;

    Hops(Live.Running running, long from, long to) {
      this.running = running;
      this.from = from;
      this.to = to;
      ExchangeTimeline t = running.timeline();
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
      SparkSession spark = running.context().spark();
      Lakehouse tables = running.context().tables();
      String minutes = between("open_time", firstClose - 60_000, lastClose - 60_000);
      long candles = spark.read().format("delta").load(tables.silverCandles1m())
          .filter(minutes).count();
      long windows = spark.read().format("delta").load(tables.goldCandles("5m"))
          .filter(between("window_start", firstWindowClose - 300_000, lastWindowClose - 300_000)
              + " AND complete").count();
      long predicted = spark.read().format("delta").load(tables.goldPredictions())
          .filter(between("as_of", firstClose - 60_000, lastClose - 60_000))
          .select("symbol", "as_of").distinct().count();
      return candles >= expectedMinutes && windows >= expectedWindows
          && predicted >= expectedMinutes;
    }

    private static String between(String column, long fromMillis, long toMillis) {
      return column + " BETWEEN timestamp_millis(" + fromMillis + ") AND timestamp_millis("
          + toMillis + ")";
    }

    /** Close → visible, in ms, of every key of {@code hop} that closed in the window. */
    double[] latencies(String hop) throws Exception {
      SparkSession spark = running.context().spark();
      Lakehouse tables = running.context().tables();
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
      ExchangeTimeline t = running.timeline();
      List<Double> out = new ArrayList<>();
      for (Row r : visible.select("close", "visible").collectAsList()) {
        long close = t.wallOf(r.getLong(0));
        if (close >= from && close < to) out.add((double) (r.getLong(1) - close));
      }
      return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    Figures.Section section(String batches) throws Exception {
      Figures.Table table = new Figures.Table("candle close → visible in", "rows of expected",
          "p50 (s)", "p95 (s)", "p99 (s)", "max (s)", "target p95");
      List<String> headline = new ArrayList<>();
      for (String hop : List.of("Kafka", "bronze", "silver", "gold 5m", "prediction")) {
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
      String setup = Figures.format("`marketlake live` (one local[2] driver: poller, bronze,"
              + " silver, gold 5m on a %s s trigger, gold 1h/1d/daily change every %s s,"
              + " scoring at each silver commit and at least every 2 s), %d symbols at %s×;"
              + " the first model trained on %d h of backfilled history, then every candle that closed in"
              + " %d minutes of wall time (%d candle-minutes, %d 5m windows), allowed %d minutes"
              + " more to arrive",
          trigger.toMillis() / 1000.0,
          io.marketlake.gold.GoldConfig.DEFAULT_ROLLUPS_EVERY.toMillis() / 1000.0,
          symbols.size(), Figures.format("%.0f", speed),
          HISTORY.toHours(), minutes, expectedMinutes, expectedWindows, CATCH_UP.toMinutes());
      return new Figures.Section(Figures.format("Live freshness per hop at %.0f×, %d symbols",
              speed, symbols.size()),
          Figures.format("bench/run.sh --only freshness --freshness-speed %.0f", speed),
          List.of(setup, "**" + String.join("; ", headline) + "**"),
          table.markdown() + "\nMicro-batches of the live queries that had input (Spark's own"
              + " durations, the newest 100 per query; the phases are medians; the Spark jobs are"
              + " those of the batches that started in the measured window, counted by a"
              + " listener on the driver):\n\n" + batches);
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
