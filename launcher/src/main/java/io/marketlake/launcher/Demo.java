package io.marketlake.launcher;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Defaults;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.gold.GoldConfig;
import io.marketlake.gold.GoldJob;
import io.marketlake.gold.Predictions;
import io.marketlake.gold.Predictions.LatestPrediction;
import io.marketlake.gold.TrainConfig;
import io.marketlake.gold.TrainJob;
import io.marketlake.ingest.Backfill;
import io.marketlake.ingest.BackfillResult;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on the local stack, in one JVM: stack up, backfill, bronze, silver, gold,
 * train, then a summary. The Spark session is shared by the layers (one start-up instead of
 * four); each layer still runs exactly the job its own command runs.
 */
public final class Demo {
  private final DemoConfig config;
  private final PrintStream out;
  private static final int STAGES = 7;
  private final Map<String, Duration> stageTimes = new LinkedHashMap<>();
  private final StageListener listener;

  public Demo(DemoConfig config, PrintStream out) {
    this(config, out, new StageListener() {});
  }

  /** A demo that tells {@code listener} when each stage starts and ends (benchmarks use it). */
  public Demo(DemoConfig config, PrintStream out, StageListener listener) {
    this.config = config;
    this.out = out;
    this.listener = listener;
  }

  /** Told, on the demo's thread, around each stage: stack, ingest, bronze, silver, ... */
  public interface StageListener {
    default void started(String stage) {}

    default void finished(String stage) {}
  }

  /** What the demo did: per-stage times, table sizes, the model and its latest predictions. */
  public record DemoResult(Map<String, Duration> stageTimes, Map<String, Long> tableRows,
      BackfillResult backfill, TrainJob.TrainResult model, List<LatestPrediction> predictions,
      List<CompletenessReport.SymbolCompleteness> completeness, StackEndpoints endpoints) {}

  /** Starts a stack in the work directory, runs the pipeline on it, and stops it (unless kept). */
  public DemoResult run() throws Exception {
    EmbeddedStack stack = stage(1, STAGES, "stack",
        "Starting the local stack (Kafka, S3, exchange)",
        () -> EmbeddedStack.start(StackOptions.defaults(config.workdir())
            .withSeed(config.seed()).withDetached(config.keepRunning())));
    try {
      return runOn(stack);
    } finally {
      if (!config.keepRunning()) stack.close();
    }
  }

  /** Runs the pipeline on a stack that is already up. */
  public DemoResult runOn(EmbeddedStack stack) throws Exception {
    StackEndpoints endpoints = stack.endpoints();
    Lakehouse lakehouse = endpoints.lakehouseLocation();
    Instant to = config.lastDay().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant from = to.minus(Duration.ofDays(config.days()));
    BackfillResult backfill = stage(2, STAGES, "ingest", String.format("Backfilling %d days x %d symbols"
        + " of 1m candles from the simulated exchange into Kafka", config.days(),
        config.symbols().size()), () -> Backfill.run(
            IngestConfig.of(endpoints.exchangeUrl(), config.symbols(),
                    endpoints.kafkaBootstrap())
                .withTopic(endpoints.topic())
                .withStateDir(config.workdir().resolve("ingest-state"))
                .withProgress(config.progress()),
            from, to));
    if (!backfill.succeeded()) {
      throw new IllegalStateException("Backfill failed: " + backfill.failedSymbols());
    }
    // One context for the four layers: one S3 probe and one Spark start-up instead of four.
    LayerContext ctx = LayerContext.open("marketlake-demo", lakehouse, endpoints.s3(),
        Defaults.SPARK_MASTER);
    ctx.spark().sparkContext().setLogLevel("WARN");
    stage(3, STAGES, "bronze", "bronze: Kafka -> Delta (exactly once)", () -> new BronzeJob(
        BronzeConfig.defaults(endpoints.kafkaBootstrap()).withTopic(endpoints.topic()))
        .run(ctx));
    stage(4, STAGES, "silver", "silver: parse, quality rules, dedup, MERGE",
        () -> new SilverJob(SilverConfig.defaults()).run(ctx));
    stage(5, STAGES, "gold", "gold: 5m/1h/1d rollups, daily change, features",
        () -> new GoldJob(GoldConfig.defaults().withHorizon(config.horizonMinutes())).run(ctx));
    TrainJob.TrainResult model = stage(6, STAGES, "train",
        "train: price-trend model, walk-forward evaluation, predictions",
        () -> new TrainJob(TrainConfig.defaults().withFolds(config.folds())).run(ctx));
    Map<String, Long> tableRows = stage(7, STAGES, "count", "Counting rows",
        () -> TableSizes.count(ctx.spark(), lakehouse));
    List<LatestPrediction> predictions = Predictions.latest(ctx);
    return new DemoResult(java.util.Collections.unmodifiableMap(stageTimes), tableRows,
        backfill, model, predictions, CompletenessReport.read(ctx.spark(), lakehouse), endpoints);
  }

  /** A unit of work whose wall time is reported. */
  interface Stage<T> {
    T run() throws Exception;
  }

  private <T> T stage(int number, int of, String name, String title, Stage<T> work)
      throws Exception {
    out.printf("[%d/%d] %s ...%n", number, of, title);
    out.flush();
    listener.started(name);
    long started = System.nanoTime();
    T result;
    Duration took;
    try {
      result = work.run();
    } finally {
      took = Duration.ofNanos(System.nanoTime() - started);
      listener.finished(name);
    }
    stageTimes.put(name, took);
    out.printf("      done in %.1f s%n", took.toMillis() / 1000.0);
    return result;
  }
}
