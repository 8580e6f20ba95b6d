package io.marketlake.bench;

import static org.apache.spark.sql.functions.col;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Defaults;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.gold.GoldConfig;
import io.marketlake.gold.GoldJob;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.ingest.Poller;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.SimulatedClock;
import io.marketlake.stack.ExchangeOptions;
import io.marketlake.stack.SimulatedExchange;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * How long after a candle closes it is visible in silver, and after a 5-minute window closes in
 * gold: live polling of an exchange on an accelerated clock, with bronze, silver and gold running
 * as streaming queries in one driver (as a small always-on deployment would), for {@code
 * minutes} real minutes. Visibility is when the Delta commit holding the row was made (its
 * commitInfo timestamp); a candle closes when the exchange's clock passes its close time, mapped
 * back to the wall clock.
 */
final class Freshness {
  static final Instant EXCHANGE_START = Instant.parse("2026-04-01T00:00:00Z");
  /** Rows that closed before the queries had warmed up are left out. */
  static final Duration WARM_UP = Duration.ofSeconds(30);

  private final EmbeddedStack stack;
  private final SparkSession spark;
  private final int minutes;
  private final double speed;
  private final List<String> symbols;
  private final Duration trigger;
  private final boolean withGold;

  /**
   * @param withGold false: only bronze and silver run, to show what gold's share of the cores
   *     costs silver's freshness
   */
  Freshness(EmbeddedStack stack, SparkSession spark, int minutes, double speed,
      List<String> symbols, Duration trigger, boolean withGold) {
    this.withGold = withGold;
    this.stack = stack;
    this.spark = spark;
    this.minutes = minutes;
    this.speed = speed;
    this.symbols = symbols;
    this.trigger = trigger;
  }

  Figures.Section run() throws Exception {
    String topic = stack.uniqueTopic("bench-live");
    Lakehouse lakehouse = stack.uniqueLakehouse("bench-live");
    SimulatedClock clock = SimulatedClock.accelerated(EXCHANGE_START, speed);
    try (SimulatedExchange exchange = SimulatedExchange.start(ExchangeOptions.defaults()
        .withSeed(17).withClock(clock))) {
      // Wall time of an exchange instant: sampled once, the clock is linear from there.
      long wallSample = System.currentTimeMillis();
      long exchangeSample = clock.nowMillis();
      java.util.function.LongUnaryOperator wallOf =
          t -> wallSample + Math.round((t - exchangeSample) / speed);

      IngestConfig ingest = IngestConfig.of(exchange.baseUrl(), symbols,
              stack.endpoints().kafkaBootstrap()).withTopic(topic)
          .withStateDir(Files.createTempDirectory(stack.workdir(), "live-state"));
      // A whole exchange minute: the poller stops once every minute before it is published.
      Instant until = Instant.ofEpochMilli(Math.floorDiv(exchangeSample, 60_000) * 60_000)
          .plus(Duration.ofMinutes(Math.round(minutes * speed)));
      CompletableFuture<Void> polling = CompletableFuture.runAsync(() -> {
        try {
          Poller.run(ingest, 0, until);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // Bronze first: silver and gold start once the tables they read exist. Each query gets a
      // fair-scheduler pool of its own: gold's long jobs must not hold silver's short ones back.
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", "bronze");
      LayerContext ctx = LayerContext.of(spark, lakehouse, stack.endpoints().s3());
      StreamingQuery bronze = new BronzeJob(BronzeConfig.defaults(stack.endpoints()
          .kafkaBootstrap()).withTopic(topic).withTrigger(trigger)).start(ctx);
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() ->
          io.delta.tables.DeltaTable.isDeltaTable(spark, lakehouse.bronzeCandlesRaw()));
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", "silver");
      StreamingQuery silver = new SilverJob(SilverConfig.defaults().withTrigger(trigger))
          .start(ctx);
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() ->
          io.delta.tables.DeltaTable.isDeltaTable(spark, lakehouse.silverCandles1m()));
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", "gold");
      StreamingQuery gold = !withGold ? null : new GoldJob(new GoldConfig(
          Defaults.HORIZON_MINUTES, trigger, Duration.ofDays(1))).start(ctx);
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
      long measureFrom = System.currentTimeMillis() + WARM_UP.toMillis();
      System.out.println(Figures.format("  polling %d symbols for %d minutes at %.0f× (until %s),"
          + " queries on a %s trigger", symbols.size(), minutes, speed, until, trigger));
      polling.get(minutes + 5L, TimeUnit.MINUTES);
      long lastOpen = until.toEpochMilli() - 60_000;
      long lastWindow = Math.floorDiv(until.toEpochMilli(), 300_000) * 300_000 - 300_000;
      org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2)).until(() -> caughtUp(lakehouse, lastOpen,
              lastWindow));
      List<StreamingQuery> queries = withGold ? List.of(bronze, silver, gold)
          : List.of(bronze, silver);
      for (StreamingQuery q : queries) q.stop();
      List<String> phases = List.of("latestOffset", "getBatch", "queryPlanning", "walCommit",
          "addBatch", "commitOffsets");
      List<String> header = new ArrayList<>(List.of("query", "micro-batches", "p50 (s)",
          "p95 (s)"));
      phases.forEach(p -> header.add(p + " p50"));
      Figures.Table batches = new Figures.Table(header.toArray(String[]::new));
      for (StreamingQuery q : queries) {
        var withInput = java.util.Arrays.stream(q.recentProgress())
            .filter(p -> p.numInputRows() > 0).toList();
        double[] took = withInput.stream()
            .mapToDouble(p -> p.durationMs().get("triggerExecution")).toArray();
        List<Object> cells = new ArrayList<>(List.of(q.name(), took.length,
            Figures.format("%.1f", Figures.percentile(took, 50) / 1000),
            Figures.format("%.1f", Figures.percentile(took, 95) / 1000)));
        for (String phase : phases) {
          double[] t = withInput.stream().filter(p -> p.durationMs().containsKey(phase))
              .mapToDouble(p -> p.durationMs().get(phase)).toArray();
          cells.add(Figures.format("%.2f", Figures.median(t) / 1000));
        }
        batches.row(cells.toArray());
      }

      double[] kafka = kafkaLatencies(lakehouse, wallOf, measureFrom);
      double[] silverLatency = silverLatencies(lakehouse, wallOf, measureFrom);
      double[] goldLatency = withGold ? goldLatencies(lakehouse, wallOf, measureFrom)
          : new double[0];
      Figures.Table table = new Figures.Table("from close to", "rows", "p50 (s)", "p95 (s)",
          "max (s)");
      row(table, "Kafka (polled and published)", kafka);
      row(table, "silver `candles_1m` (1m candle)", silverLatency);
      if (withGold) row(table, "gold `candles_5m` (complete 5m window)", goldLatency);
      double silverP95 = Figures.percentile(silverLatency, 95) / 1000;
      double goldP95 = Figures.percentile(goldLatency, 95) / 1000;
      String setup = Figures.format("%d symbols polled live for %d minutes of wall time at %.0f×"
              + " (%d exchange minutes); %s as streaming queries on a %ss trigger in one local[2]"
              + " driver; the first %d s left out", symbols.size(), minutes, speed,
          Math.round(minutes * speed), withGold ? "bronze, silver and gold" : "bronze and silver",
          trigger.toMillis() / 1000.0, WARM_UP.toSeconds());
      String headline = withGold
          ? Figures.format("**silver p50 %.1f s, p95 %.1f s; gold 5m p50 %.1f s, p95 %.1f s**"
                  + " (target p95 ≤ 10 s: silver %s, gold %s)",
              Figures.percentile(silverLatency, 50) / 1000, silverP95,
              Figures.percentile(goldLatency, 50) / 1000, goldP95,
              silverP95 <= 10 ? "met" : "missed", goldP95 <= 10 ? "met" : "missed")
          : Figures.format("**silver p50 %.1f s, p95 %.1f s** with gold not running (target p95"
                  + " ≤ 10 s: %s)", Figures.percentile(silverLatency, 50) / 1000, silverP95,
              silverP95 <= 10 ? "met" : "missed");
      return new Figures.Section(Figures.format(withGold
              ? "Live freshness at %.0f×: candle close → silver and gold 5m"
              : "Live freshness at %.0f× without gold: candle close → silver", speed),
          "bench/run.sh --only freshness", List.of(setup, headline),
          table.markdown() + "\nMicro-batches that had input (Spark's own durations; the phases"
              + " are medians):\n\n" + batches.markdown());
    }
  }

  private static void row(Figures.Table table, String what, double[] millis) {
    table.row(what, millis.length, Figures.format("%.1f", Figures.percentile(millis, 50) / 1000),
        Figures.format("%.1f", Figures.percentile(millis, 95) / 1000),
        Figures.format("%.1f", Figures.percentile(millis, 100) / 1000));
  }

  private boolean caughtUp(Lakehouse lakehouse, long lastOpen, long lastWindow) {
    long candles = spark.read().format("delta").load(lakehouse.silverCandles1m())
        .filter(col("open_time").equalTo(new java.sql.Timestamp(lastOpen))).count();
    if (!withGold) return candles == symbols.size();   // no gold table to wait for
    long windows = spark.read().format("delta").load(lakehouse.goldCandles("5m"))
        .filter(col("window_start").equalTo(new java.sql.Timestamp(lastWindow))
            .and(col("complete"))).count();
    return candles == symbols.size() && windows == symbols.size();
  }

  /** Kafka's record timestamp (set by the producer when ingest sent it) less the close. */
  private double[] kafkaLatencies(Lakehouse lakehouse,
      java.util.function.LongUnaryOperator wallOf, long measureFrom) {
    List<Double> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(lakehouse.bronzeCandlesRaw())
        .selectExpr("get_json_object(value, '$.open_time') AS open_time",
            "kafka_timestamp").collectAsList()) {
      long close = wallOf.applyAsLong(Long.parseLong(r.getString(0)) + 60_000);
      if (close >= measureFrom) {
        out.add((double) (r.<java.sql.Timestamp>getAs(1).getTime() - close));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private double[] silverLatencies(Lakehouse lakehouse,
      java.util.function.LongUnaryOperator wallOf, long measureFrom) throws java.io.IOException {
    Map<Long, Long> committed = commitTimes(lakehouse.silverCandles1m());
    List<Double> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", 0).load(lakehouse.silverCandles1m())
        .filter("_change_type = 'insert'").select("open_time", "_commit_version")
        .collectAsList()) {
      long close = wallOf.applyAsLong(r.<java.sql.Timestamp>getAs(0).getTime() + 60_000);
      if (close >= measureFrom) out.add((double) (committed.get(r.<Long>getAs(1)) - close));
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Per 5m window: the first commit in which it was complete, less the window's close. */
  private double[] goldLatencies(Lakehouse lakehouse,
      java.util.function.LongUnaryOperator wallOf, long measureFrom) throws java.io.IOException {
    String table = lakehouse.goldCandles("5m");
    Map<Long, Long> committed = commitTimes(table);
    List<Double> out = new ArrayList<>();
    for (Row r : spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", 0).load(table)
        .filter("_change_type IN ('insert', 'update_postimage') AND complete")
        .groupBy("symbol", "window_start").agg(org.apache.spark.sql.functions.min(
            "_commit_version")).collectAsList()) {
      long close = wallOf.applyAsLong(r.<java.sql.Timestamp>getAs(1).getTime() + 300_000);
      if (close >= measureFrom) out.add((double) (committed.get(r.<Long>getAs(2)) - close));
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Version → the commit's own timestamp (ms, written by the committing driver). Delta's history
   * reports the log file's modification time instead, which S3 keeps to the second only.
   */
  private Map<Long, Long> commitTimes(String table) throws java.io.IOException {
    // The local S3 server keeps objects as plain files: read the log where it lies.
    java.nio.file.Path log = stack.s3().dataDir().resolve(table.replaceFirst("^s3a://", ""))
        .resolve("_delta_log");
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    Map<Long, Long> out = new HashMap<>();
    try (var files = Files.list(log)) {
      for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        String name = file.getFileName().toString();
        for (String line : Files.readAllLines(file)) {
          var commit = json.readTree(line).get("commitInfo");
          if (commit != null) {
            out.put(Long.parseLong(name.substring(0, name.length() - 5)),
                commit.get("timestamp").asLong());
          }
        }
      }
    }
    return out;
  }
}
