package io.marketlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.marketlake.common.Defaults;
import io.marketlake.common.Lakehouse;
import io.marketlake.launcher.Live;
import io.marketlake.launcher.LiveConfig;
import io.marketlake.stack.EmbeddedStack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * {@code marketlake live} left running over many days of exchange time (an accelerated exchange):
 * does anything grow that should not? It samples, at a fixed wall-clock interval, the micro-batch
 * durations of each query, the files of each table (in all and in its fullest partition), the
 * size of each {@code _delta_log} and of the streaming checkpoints, the heap after the last GC and
 * the process's RSS; at the end it checks silver and the completeness ledger for missing and
 * duplicated minutes. The figures compare the first fifth of the run with the last.
 */
final class Soak {
  /** Tables whose growth is watched, by the name the figures give them: paths under ROOT. */
  private static final Map<String, String> TABLES = new java.util.LinkedHashMap<>();
  private static final String ROOT = "root";

  static {
    Lakehouse relative = new Lakehouse(ROOT);
    TABLES.put("bronze", relative.bronzeCandlesRaw());
    TABLES.put("silver", relative.silverCandles1m());
    TABLES.put("gold 5m", relative.goldCandles("5m"));
    TABLES.put("gold 1h", relative.goldCandles("1h"));
    TABLES.put("predictions", relative.goldPredictions());
    TABLES.put("ledger", relative.silverCompleteness());
  }

  /** The batch-duration target: the last part of the run within this factor of the first. */
  static final double BATCH_GROWTH_TARGET = 1.2;

  private final Path workdir;
  private final List<String> symbols;
  private final double speed;
  private final Duration exchangeSpan;
  private final Duration sampleEvery;
  private final Duration trigger;

  Soak(Path workdir, List<String> symbols, double speed, Duration exchangeSpan,
      Duration sampleEvery, Duration trigger) {
    this.workdir = workdir;
    this.symbols = List.copyOf(symbols);
    this.speed = speed;
    this.exchangeSpan = exchangeSpan;
    this.sampleEvery = sampleEvery;
    this.trigger = trigger;
  }

  /** One micro-batch of one query, as its progress event reported it. */
  private record Batch(String query, long atMillis, long millis, long rows) {}

  /** One sample of the run. */
  private record Sample(long wallMillis, long exchangeMillis, Map<String, Double> batchP50,
      Map<String, TableFiles> tables, long checkpointBytes, long checkpointFiles,
      long heapAfterGcBytes, long rssBytes) {}

  /** A table's data files, its fullest partition's, and its log's size. */
  private record TableFiles(long dataFiles, long maxFilesPerPartition, long logBytes,
      long logCheckpoints) {}

  Figures.Section run() throws Exception {
    Live live = new Live(new LiveConfig(workdir, symbols, speed, Freshness.HISTORY, trigger,
        Duration.ofSeconds(2), Duration.ofHours(1), 0, 17, Defaults.HORIZON_MINUTES, null),
        System.out);
    CompletableFuture<Live.LiveResult> result = CompletableFuture.supplyAsync(() -> {
      try {
        return live.run();
      } catch (Exception e) {
        throw new IllegalStateException("live failed", e);
      }
    });
    List<Sample> samples = new ArrayList<>();
    ConcurrentLinkedQueue<Batch> batches = new ConcurrentLinkedQueue<>();
    Path csv = workdir.resolveSibling(workdir.getFileName() + "-samples.csv");
    try (HeapLowWater heap = new HeapLowWater()) {
      Live.Running running = live.awaitRunning(Duration.ofMinutes(15));
      if (running == null) {
        result.get(1, TimeUnit.MINUTES);
        throw new IllegalStateException("live did not start within 15 minutes");
      }
      // From the first model on: before it, the backfilled history and the first train (minutes
      // on 2 cores) weigh on every batch, and the first fifth would flatter the last.
      org.awaitility.Awaitility.await("the first model").atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> result.isDone() || running.modelsTrained().getAsLong() > 0);
      if (result.isDone()) result.get();
      SparkSession spark = running.context().spark();
      spark.streams().addListener(new BatchDurations(batches));
      long exchangeFrom = running.timeline().exchangeOf(System.currentTimeMillis());
      long exchangeTo = exchangeFrom + exchangeSpan.toMillis();
      // Wall time the span should take, and some slack for a pipeline that falls behind.
      long deadline = System.currentTimeMillis()
          + (long) (exchangeSpan.toMillis() / speed * 1.25) + Duration.ofMinutes(5).toMillis();
      System.out.println(Figures.format("  soaking %d symbols for %d exchange days at %.0fx"
          + " (about %.0f min); a sample every %d s into %s", symbols.size(),
          exchangeSpan.toDays(), speed, exchangeSpan.toMillis() / speed / 60_000,
          sampleEvery.toSeconds(), csv));
      Files.writeString(csv, csvHeader() + "\n");
      long previous = System.currentTimeMillis();
      while (true) {
        long next = previous + sampleEvery.toMillis();
        try {
          result.get(Math.max(0, next - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
          throw new IllegalStateException("live ended before the soak did");
        } catch (java.util.concurrent.TimeoutException stillRunning) {
          // the sample is due
        }
        long now = System.currentTimeMillis();
        Sample sample = sample(running, drain(batches, previous, now), now, heap.takeLow());
        samples.add(sample);
        Files.writeString(csv, csvLine(sample) + "\n", java.nio.file.StandardOpenOption.APPEND);
        System.out.println("  " + describe(sample));
        previous = now;
        if (sample.exchangeMillis() >= exchangeTo || now > deadline) break;
      }
      Ledger ledger = ledger(running, exchangeTo);
      return section(samples, ledger, csv);
    } finally {
      live.stop();
      result.handle((r, e) -> null).get(5, TimeUnit.MINUTES);
    }
  }

  private static List<Batch> drain(ConcurrentLinkedQueue<Batch> batches, long from, long to) {
    List<Batch> out = new ArrayList<>();
    for (Batch b; (b = batches.peek()) != null && b.atMillis() < to; ) {
      batches.poll();
      if (b.atMillis() >= from) out.add(b);
    }
    return out;
  }

  private Sample sample(Live.Running running, List<Batch> batches, long now, long heapLow)
      throws IOException {
    Map<String, List<Double>> byQuery = new java.util.TreeMap<>();
    for (Batch b : batches) {
      if (b.rows() > 0) byQuery.computeIfAbsent(b.query(), q -> new ArrayList<>()).add(
          (double) b.millis());
    }
    Map<String, Double> p50 = new java.util.TreeMap<>();
    byQuery.forEach((q, ms) -> p50.put(q,
        Figures.median(ms.stream().mapToDouble(Double::doubleValue).toArray())));
    Path root = lakehouseDir();
    Map<String, TableFiles> tables = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> t : TABLES.entrySet()) {
      tables.put(t.getKey(), tableFiles(root.resolve(t.getValue().substring(ROOT.length() + 1))));
    }
    long[] checkpoints = sizeAndCount(root.resolve("_checkpoints"));
    return new Sample(now, running.timeline().exchangeOf(now), p50, tables, checkpoints[0],
        checkpoints[1], heapLow, rss());
  }

  /** The lakehouse as the local S3 server stores it: one plain file per object. */
  private Path lakehouseDir() {
    String location = EmbeddedStack.LAKEHOUSE.substring("s3a://".length());
    return workdir.resolve("s3").resolve("data").resolve(location);
  }

  private static TableFiles tableFiles(Path table) throws IOException {
    if (!Files.isDirectory(table)) return new TableFiles(0, 0, 0, 0);
    Map<Path, Long> perPartition = new HashMap<>();
    try (Stream<Path> files = Files.walk(table)) {
      files.filter(f -> f.getFileName().toString().endsWith(".parquet")
              && !f.toString().contains("/_delta_log/"))
          .forEach(f -> perPartition.merge(f.getParent(), 1L, Long::sum));
    }
    long[] log = sizeAndCount(table.resolve("_delta_log"));
    long checkpoints;
    try (Stream<Path> files = Files.list(table.resolve("_delta_log"))) {
      checkpoints = files.filter(f -> f.getFileName().toString().contains(".checkpoint"))
          .count();
    } catch (java.nio.file.NoSuchFileException e) {
      checkpoints = 0;
    }
    return new TableFiles(perPartition.values().stream().mapToLong(Long::longValue).sum(),
        perPartition.values().stream().mapToLong(Long::longValue).max().orElse(0), log[0],
        checkpoints);
  }

  private static long[] sizeAndCount(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return new long[] {0, 0};
    long[] out = new long[2];
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          out[0] += Files.size(f);
          out[1]++;
        } catch (IOException gone) {
          // deleted meanwhile (a log cleanup): not counted
        }
      });
    } catch (java.io.UncheckedIOException gone) {
      // a directory deleted while walked: the next sample counts again
    }
    return out;
  }

  /**
   * The least heap in use right after a collection, over the collections since the last
   * {@link #takeLow()}: the low-water mark is the live data plus what the old generation has not
   * collected yet, so it only grows if something leaks (the heap after any one young collection
   * swings with the old generation's garbage).
   */
  private static final class HeapLowWater implements javax.management.NotificationListener,
      AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong low =
        new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    private final java.util.Set<String> heapPools = new java.util.HashSet<>();

    HeapLowWater() {
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
          .forEach(p -> heapPools.add(p.getName()));
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) gc).addNotificationListener(this, null, null);
      }
    }

    @Override
    public void handleNotification(javax.management.Notification notification, Object handback) {
      if (!notification.getType().equals(com.sun.management.GarbageCollectionNotificationInfo
          .GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      var info = com.sun.management.GarbageCollectionNotificationInfo.from(
          (javax.management.openmbean.CompositeData) notification.getUserData());
      long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
          .filter(e -> heapPools.contains(e.getKey()))
          .mapToLong(e -> e.getValue().getUsed()).sum();
      low.accumulateAndGet(used, Math::min);
    }

    /** The low-water mark since the last call (-1 if no collection ran), and starts anew. */
    long takeLow() {
      long value = low.getAndSet(Long.MAX_VALUE);
      return value == Long.MAX_VALUE ? -1 : value;
    }

    @Override
    public void close() throws Exception {
      for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((javax.management.NotificationEmitter) gc).removeNotificationListener(this);
      }
    }
  }

  /** This process's resident set (Linux), or -1. */
  private static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** What silver and the completeness ledger say about the soaked minutes. */
  private record Ledger(long silverRows, long distinctMinutes, long expectedMinutes,
      long ledgerMissing, long ledgerPresent, String note) {}

  /**
   * Waits (up to 5 minutes) until silver holds the last minute of the span for every symbol,
   * then counts: rows, distinct (symbol, minute) keys, the minutes expected between each
   * symbol's first and last, and the ledger's own missing minutes.
   */
  private Ledger ledger(Live.Running running, long exchangeTo) throws Exception {
    SparkSession spark = running.context().spark();
    Lakehouse tables = running.context().tables();
    long lastMinute = exchangeTo / 60_000 * 60_000 - 120_000;
    String note = "";
    try {
      org.awaitility.Awaitility.await("silver up to the end of the span")
          .atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5))
          .until(() -> spark.read().format("delta").load(tables.silverCandles1m())
              .filter(col("open_time").geq(new java.sql.Timestamp(lastMinute)))
              .select("symbol").distinct().count() >= symbols.size());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      note = "silver had not reached the span's end 5 minutes after it";
    }
    Row silver = spark.read().format("delta").load(tables.silverCandles1m())
        .groupBy("symbol").agg(org.apache.spark.sql.functions.count("*").as("rows"),
            countDistinct("open_time").as("minutes"), min("open_time").as("first"),
            max("open_time").as("last"))
        .selectExpr("sum(rows)", "sum(minutes)",
            "sum((unix_seconds(last) - unix_seconds(first)) / 60 + 1)")
        .first();
    Row ledger = spark.read().format("delta").load(tables.silverCompleteness())
        .agg(sum("missing_minutes"), sum("present_minutes")).first();
    return new Ledger(whole(silver, 0), whole(silver, 1), whole(silver, 2), whole(ledger, 0),
        whole(ledger, 1), note);
  }

  /** A count or sum as a long, whatever numeric type Spark gave it; 0 for null. */
  private static long whole(Row row, int i) {
    return row.isNullAt(i) ? 0 : Math.round(((Number) row.get(i)).doubleValue());
  }

  private Figures.Section section(List<Sample> samples, Ledger ledger, Path csv) {
    int fifth = Math.max(1, samples.size() / 5);
    List<Sample> first = samples.subList(0, fifth);
    List<Sample> last = samples.subList(samples.size() - fifth, samples.size());
    List<String> headlines = new ArrayList<>();
    Figures.Table batches = new Figures.Table("query", "batch p50, first fifth (s)",
        "batch p50, last fifth (s)", "last / first");
    java.util.Set<String> queries = new java.util.TreeSet<>();
    samples.forEach(s -> queries.addAll(s.batchP50().keySet()));
    double worst = 0;
    for (String q : queries) {
      double a = medianOf(first, q);
      double b = medianOf(last, q);
      double ratio = b / a;
      if (!Double.isNaN(ratio)) worst = Math.max(worst, ratio);
      batches.row(q, orDash(a / 1000), orDash(b / 1000), orDash(ratio));
    }
    Sample start = samples.get(0);
    Sample end = samples.get(samples.size() - 1);
    double days = (end.exchangeMillis() - start.exchangeMillis()) / 86_400_000.0;
    double wallMinutes = (end.wallMillis() - start.wallMillis()) / 60_000.0;
    headlines.add(Figures.format("%.1f exchange days x %d symbols in %.0f min of wall time"
        + " (%.0fx)", days, symbols.size(), wallMinutes, days * 1440 / wallMinutes));
    headlines.add(Figures.format("micro-batch p50, last fifth of the run against the first:"
        + " at most %.2fx (target %.1fx): %s", worst, BATCH_GROWTH_TARGET,
        worst <= BATCH_GROWTH_TARGET ? "met" : "missed"));
    Figures.Table files = new Figures.Table("table", "data files (start → end)",
        "fullest partition (start → end)", "_delta_log MB (start → end)",
        "log checkpoints (end)");
    for (String t : TABLES.keySet()) {
      TableFiles a = start.tables().get(t);
      TableFiles b = end.tables().get(t);
      files.row(t, a.dataFiles() + " → " + b.dataFiles(),
          a.maxFilesPerPartition() + " → " + b.maxFilesPerPartition(),
          Figures.format("%.1f → %.1f", a.logBytes() / 1e6, b.logBytes() / 1e6),
          b.logCheckpoints());
    }
    headlines.add(Figures.format("heap after GC (each sample's low-water mark), least of the"
        + " first fifth %.0f MB, of the last fifth %.0f MB; RSS %.0f → %.0f MB; streaming"
        + " checkpoints %.1f → %.1f MB",
        first.stream().mapToLong(Sample::heapAfterGcBytes).filter(b -> b >= 0).min()
            .orElse(-1) / 1e6,
        last.stream().mapToLong(Sample::heapAfterGcBytes).filter(b -> b >= 0).min()
            .orElse(-1) / 1e6,
        start.rssBytes() / 1e6, end.rssBytes() / 1e6, start.checkpointBytes() / 1e6,
        end.checkpointBytes() / 1e6));
    headlines.add(Figures.format("silver: %d rows, %d distinct minutes, %d expected between"
        + " each symbol's first and last: %d missing, %d duplicated; the ledger (written every"
        + " 5 min of wall time, so some exchange days behind): %d missing, %d present%s", ledger.silverRows(), ledger.distinctMinutes(),
        ledger.expectedMinutes(), ledger.expectedMinutes() - ledger.distinctMinutes(),
        ledger.silverRows() - ledger.distinctMinutes(), ledger.ledgerMissing(),
        ledger.ledgerPresent(), ledger.note().isEmpty() ? "" : " (" + ledger.note() + ")"));
    String body = batches.markdown() + "\n" + files.markdown() + "\nEvery sample: `" + csv
        + "`.\n";
    return new Figures.Section(Figures.format("Soak: %d symbols, %.0f exchange days at %.0fx"
        + " (%s)", symbols.size(), days, speed, Instant.ofEpochMilli(start.wallMillis())),
        Figures.format("bench/run.sh --only soak --soak-days %d --soak-speed %.0f",
            exchangeSpan.toDays(), speed), headlines, body);
  }

  /** Two decimals, or a dash for a query that had no batch with input in that part. */
  static String orDash(double value) {
    return Double.isNaN(value) ? "–" : Figures.format("%.2f", value);
  }

  /** The median of the samples' batch p50s (a retrain under way skews one or two samples). */
  private static double medianOf(List<Sample> samples, String query) {
    double[] p50s = samples.stream().map(s -> s.batchP50().get(query))
        .filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    return p50s.length == 0 ? Double.NaN : Figures.median(p50s);
  }

  private static String csvHeader() {
    List<String> columns = new ArrayList<>(List.of("wall_utc", "exchange_utc", "heap_after_gc_mb",
        "rss_mb", "checkpoints_mb", "checkpoint_files"));
    for (String t : TABLES.keySet()) {
      String c = t.replace(' ', '_');
      columns.addAll(List.of(c + "_files", c + "_max_files_per_partition", c + "_log_mb"));
    }
    columns.add("batch_p50_ms");
    return String.join(",", columns);
  }

  private static String csvLine(Sample s) {
    List<String> cells = new ArrayList<>(List.of(Instant.ofEpochMilli(s.wallMillis()).toString(),
        Instant.ofEpochMilli(s.exchangeMillis()).toString(),
        Figures.format("%.1f", s.heapAfterGcBytes() / 1e6),
        Figures.format("%.1f", s.rssBytes() / 1e6),
        Figures.format("%.2f", s.checkpointBytes() / 1e6), Long.toString(s.checkpointFiles())));
    for (String t : TABLES.keySet()) {
      TableFiles f = s.tables().get(t);
      cells.addAll(List.of(Long.toString(f.dataFiles()), Long.toString(f.maxFilesPerPartition()),
          Figures.format("%.2f", f.logBytes() / 1e6)));
    }
    StringBuilder batches = new StringBuilder("\"");
    s.batchP50().forEach((q, ms) -> batches.append(q).append('=')
        .append(Figures.format("%.0f", ms)).append(' '));
    cells.add(batches.toString().trim() + "\"");
    return String.join(",", cells);
  }

  private static String describe(Sample s) {
    TableFiles silver = s.tables().get("silver");
    return Figures.format("%s exchange %s: heap after GC %.0f MB, RSS %.0f MB, silver %d files"
        + " (fullest partition %d), log %.1f MB; batch p50 %s",
        Instant.ofEpochMilli(s.wallMillis()).toString().substring(11, 19),
        Instant.ofEpochMilli(s.exchangeMillis()).toString().substring(0, 16),
        s.heapAfterGcBytes() / 1e6, s.rssBytes() / 1e6, silver.dataFiles(),
        silver.maxFilesPerPartition(), silver.logBytes() / 1e6, s.batchP50());
  }

  /** Every micro-batch's duration, by query name. */
  private static final class BatchDurations extends StreamingQueryListener {
    private final ConcurrentLinkedQueue<Batch> batches;

    BatchDurations(ConcurrentLinkedQueue<Batch> batches) {
      this.batches = batches;
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      var p = event.progress();
      Long millis = p.durationMs().get("triggerExecution");
      if (millis != null) {
        batches.add(new Batch(p.name(), System.currentTimeMillis(), millis, p.numInputRows()));
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }
}
