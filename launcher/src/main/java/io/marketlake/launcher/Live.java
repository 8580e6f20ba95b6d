package io.marketlake.launcher;

import io.delta.tables.DeltaTable;
import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Defaults;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.QueryStops;
import io.marketlake.common.spark.SparkLeases;
import io.marketlake.dashboard.DashboardServer;
import io.marketlake.dashboard.ExchangeTimeline;
import io.marketlake.dashboard.LakehouseData;
import io.marketlake.gold.GoldConfig;
import io.marketlake.gold.GoldJob;
import io.marketlake.gold.LiveModel;
import io.marketlake.gold.TrainJob;
import io.marketlake.ingest.Backfill;
import io.marketlake.ingest.BackfillResult;
import io.marketlake.ingest.BackgroundPoll;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.SimulatedClock;
import io.marketlake.stack.StackOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * The pipeline kept running, in one driver: the local stack with an exchange on an (optionally
 * accelerated) clock, or the real services of {@link LiveConfig#services()}; the poller, bronze,
 * silver and gold as streaming queries, live scoring and scheduled retraining ({@link
 * LiveModel}), and the dashboard. {@link #stop()} (Ctrl-C) stops each part in data-flow order;
 * the next run in the same work directory resumes: the poller from its marks, the queries from
 * their checkpoints, the exchange from the clock saved in {@code live-clock.json}.
 */
public final class Live {
  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");
  /**
   * An accelerated exchange starts this much wall time before it would reach the present: silver
   * refuses candles from the future (rule not_in_future), so the simulated market must stay in the
   * past for as long as a run lasts.
   */
  static final Duration ACCELERATED_RUNWAY = Duration.ofDays(7);
  /** How long a stop waits for running micro-batches and a scoring tick to finish. */
  static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

  private final LiveConfig config;
  private final PrintStream out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile DashboardServer dashboard;
  private final CountDownLatch dashboardUp = new CountDownLatch(1);
  private final java.util.concurrent.CompletableFuture<Running> running =
      new java.util.concurrent.CompletableFuture<>();

  public Live(LiveConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Asks {@link #run} to stop every part and return; safe from any thread. */
  public void stop() {
    stopRequested.countDown();
  }

  /** The dashboard's address, waiting up to {@code wait} for it to start; null if it did not. */
  public java.net.URI awaitDashboard(Duration wait) throws InterruptedException {
    return dashboardUp.await(wait.toMillis(), TimeUnit.MILLISECONDS) ? dashboard.uri() : null;
  }

  /**
   * A running pipeline as seen from the same JVM (the freshness benchmark reads its tables with
   * its session).
   *
   * @param timeline exchange time to wall time; linear for the whole run
   * @param queries bronze, silver and gold, in that order
   * @param modelsTrained how many models this run has trained so far
   */
  public record Running(LayerContext context, ExchangeTimeline timeline,
      List<StreamingQuery> queries, LongSupplier modelsTrained) {}

  /**
   * Waits up to {@code wait} until every part runs (the queries started, scoring started);
   * null if they did not by then, or the run ended first.
   */
  public Running awaitRunning(Duration wait) throws InterruptedException {
    try {
      return running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
        | java.util.concurrent.CancellationException e) {
      return null;
    }
  }

  /** What a run did, for the summary. */
  public record LiveResult(long modelTicks, long predictionsWritten, long modelsTrained,
      Instant exchangeReached) {}

  /** Runs until {@link #stop()}; fails if a part fails. */
  public LiveResult run() throws Exception {
    try {
      return runStack();
    } finally {
      running.cancel(false);   // a run that ended, even before it ran, wakes its waiters
    }
  }

  private LiveResult runStack() throws Exception {
    ExchangeTimeline saved = ExchangeTimeline.readOrReal(config.workdir());
    boolean firstRun = !Files.exists(config.workdir().resolve("live-clock.json"));
    if (config.services() != null) {
      LiveServices services = config.services();
      // An unreachable Kafka is one line before Spark spends its seconds starting (S3 is probed
      // by LayerContext.open, as for every layer).
      io.marketlake.common.Reachability.requireKafka(services.kafkaBootstrap(),
          "--bootstrap-servers");
      step("Using the exchange at %s, Kafka at %s, the lakehouse at %s",
          services.exchangeUrl(), services.kafkaBootstrap(), services.lakehouse().root());
      Files.createDirectories(config.workdir());
      return runOn(services, System::currentTimeMillis, firstRun);
    }
    // The exchange resumes where the last run left its clock: a restart is a pause.
    Instant exchangeStart = firstRun ? firstStart(Instant.now())
        : Instant.ofEpochMilli(saved.exchangeAt());
    step("Starting the local stack (Kafka, S3, exchange at %sx)", speed());
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(config.workdir())
        .withExchangeSpeed(config.exchangeSpeed()).withExchangeStart(exchangeStart)
        .withSeed(config.seed()))) {
      SimulatedClock clock = stack.exchange().orElseThrow().options().clock();
      StackEndpoints endpoints = stack.endpoints();
      return runOn(new LiveServices(endpoints.exchangeUrl(),
          Map.of("bootstrap.servers", endpoints.kafkaBootstrap()), endpoints.topic(),
          endpoints.lakehouseLocation(), endpoints.s3(), Defaults.SPARK_MASTER),
          clock::nowMillis, firstRun);
    }
  }

  /**
   * Runs every part against {@code services}, whose exchange's clock reads {@code exchangeNow}
   * (the simulated one's, or the wall clock for a real exchange).
   */
  private LiveResult runOn(LiveServices services, LongSupplier exchangeNow, boolean firstRun)
      throws Exception {
    saveClock(exchangeNow);
    // Fair scheduling: the dashboard's and silver's short jobs must not queue behind gold's.
    System.setProperty("spark.scheduler.mode", "FAIR");
    // A session that was there before (a notebook's, a test JVM's) is not ours to stop.
    boolean ownSession = !running(SparkSession.getDefaultSession())
        && !running(SparkSession.getActiveSession());
    LayerContext ctx = LayerContext.open("marketlake-live", services.lakehouse(), services.s3(),
        services.master());
    ctx.spark().sparkContext().setLogLevel("WARN");
    try (DashboardServer server = DashboardServer.start(new LakehouseData(ctx,
        timeline(exchangeNow)), "127.0.0.1", config.port(), Duration.ofSeconds(1))) {
      dashboard = server;
      dashboardUp.countDown();
      step("Dashboard: %s", server.uri());
      return SparkLeases.hold(ctx, LeasedJob.BRONZE, () -> SparkLeases.hold(ctx,
          LeasedJob.SILVER, () -> SparkLeases.hold(ctx, LeasedJob.GOLD, () ->
              SparkLeases.hold(ctx, LeasedJob.TRAIN, () ->
                  runHoldingLeases(services, ctx, exchangeNow, firstRun)))));
    } finally {
      if (ownSession) ctx.spark().stop();
      // The JVM-wide caches of S3A file systems and Delta logs may point at a local stack's S3
      // server, which stops now: a later run in this JVM (a test's restart) starts another.
      org.apache.spark.sql.delta.DeltaLog.clearCache();
      org.apache.hadoop.fs.FileSystem.closeAll();
    }
  }

  private LiveResult runHoldingLeases(LiveServices services, LayerContext ctx,
      LongSupplier exchangeNow, boolean firstRun) throws Exception {
    IngestConfig ingest = IngestConfig.of(services.exchangeUrl(), config.symbols(),
            services.kafkaBootstrap())
        .withKafkaProperties(services.kafkaProperties())
        .withTopic(services.topic())
        .withStateDir(config.workdir().resolve("ingest-state"));
    if (firstRun) {
      Instant to = Instant.ofEpochMilli(Math.floorDiv(exchangeNow.getAsLong(), 60_000) * 60_000);
      step("Backfilling %d min x %d symbols of history (the first model learns from it)",
          config.history().toMinutes(), config.symbols().size());
      BackfillResult backfill = Backfill.run(ingest, to.minus(config.history()), to);
      if (!backfill.succeeded()) {
        throw new IllegalStateException("Backfill failed: " + backfill.failedSymbols());
      }
    }
    Path pollLog = config.workdir().resolve("logs").resolve("poll.log");
    step("Polling %s live (log: %s)", String.join(", ", config.symbols()), pollLog);
    SparkSession spark = ctx.spark();
    List<StreamingQuery> queries = new ArrayList<>();
    LiveModel model = new LiveModel(LiveModel.Config.every(config.retrainEvery(),
        config.horizonMinutes()));
    ModelLoop modelLoop = null;
    SilverCommits silverCommits = null;
    // The features follow the model's schedule: nothing reads them between two trains.
    GoldConfig goldConfig = new GoldConfig(config.horizonMinutes(), config.trigger(),
        config.retrainEvery());
    try (BackgroundPoll poll = BackgroundPoll.start(ingest, pollLog)) {
      step("Streaming: bronze, silver, gold 5m every %s s; gold 1h, 1d and daily change every"
          + " %s s; scoring every %s s, retraining every %s",
          config.trigger().toMillis() / 1000.0,
          goldConfig.rollupsEvery().toMillis() / 1000.0,
          config.scoreEvery().toMillis() / 1000.0,
          config.retrainEvery().toString().substring(2).toLowerCase(java.util.Locale.ROOT));
      queries.add(inPool(spark, "bronze", () -> new BronzeJob(new BronzeConfig(
          services.kafkaBootstrap(), services.topic(), BronzeConfig.DEFAULT_STARTING_OFFSETS,
          null, true, config.trigger(), services.sparkKafkaOptions())).start(ctx)));
      awaitTable(spark, ctx.tables().bronzeCandlesRaw(), poll);
      queries.add(inPool(spark, "silver", () -> new SilverJob(SilverConfig.defaults()
          .withTrigger(config.trigger())).start(ctx)));
      awaitTable(spark, ctx.tables().silverCandles1m(), poll);
      GoldJob gold = new GoldJob(goldConfig);
      queries.add(inPool(spark, "gold_5m", () -> gold.startFiveMinutes(ctx)));
      queries.add(inPool(spark, "gold", () -> gold.start(ctx)));
      modelLoop = new ModelLoop(model, ctx);
      silverCommits = new SilverCommits(modelLoop);
      spark.streams().addListener(silverCommits);
      modelLoop.start();
      ModelLoop loop = modelLoop;
      running.complete(new Running(ctx, timeline(exchangeNow), List.copyOf(queries),
          loop.trains::get));
      while (!stopRequested.await(1, TimeUnit.SECONDS)) {
        saveClock(exchangeNow);
        for (StreamingQuery q : queries) {
          if (!q.isActive()) {
            throw new IllegalStateException("The " + q.name() + " query stopped: "
                + q.exception().map(Throwable::getMessage).getOrElse(() -> "no reason given"));
          }
        }
        if (poll.isDone()) {
          throw new IllegalStateException("The poller stopped: " + poll.failure());
        }
        if (modelLoop.failure != null) {
          throw new IllegalStateException("Scoring failed", modelLoop.failure);
        }
      }
      step("Stopping: poller (flushing Kafka), then the queries, scoring and the stack");
    } finally {
      // The poller was closed (flushed) above; queries resume from their checkpoints.
      if (silverCommits != null) spark.streams().removeListener(silverCommits);
      if (modelLoop != null) modelLoop.shutdown();
      // Each query ends after its running batch commits (a stop mid-batch is safe, the batch is
      // replayed, but it logs a screenful of aborted writes).
      List<String> cut = QueryStops.stopBetweenBatches(queries, STOP_PATIENCE);
      if (!cut.isEmpty()) {
        step("Stopped %s mid-batch after %d s; the batch runs again at the next start",
            String.join(", ", cut), STOP_PATIENCE.toSeconds());
      }
      saveClock(exchangeNow);
    }
    return new LiveResult(modelLoop.ticks.get(), modelLoop.predictions.get(),
        modelLoop.trains.get(),
        Instant.ofEpochMilli(exchangeNow.getAsLong()));
  }

  /**
   * Wakes the model loop when a silver micro-batch with input has committed: the new minutes are
   * scored then, not at the loop's next turn.
   */
  private static final class SilverCommits extends StreamingQueryListener {
    private final ModelLoop loop;

    SilverCommits(ModelLoop loop) {
      this.loop = loop;
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      if (SilverJob.QUERY.equals(event.progress().name())
          && event.progress().numInputRows() > 0) {
        loop.silverCommitted.release();
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }

  /**
   * Scores and retrains on a thread of its own, in its own scheduler pool: at once when silver
   * has committed new rows, else every {@link LiveConfig#scoreEvery()}.
   */
  private final class ModelLoop extends Thread {
    private final LiveModel model;
    private final LayerContext ctx;
    /** The loop's Spark jobs, so a stop can cancel them. */
    private static final String JOB_GROUP = "live-model";
    private volatile boolean stopping;
    volatile Throwable failure;
    final AtomicLong ticks = new AtomicLong();
    final AtomicLong predictions = new AtomicLong();
    final AtomicLong trains = new AtomicLong();
    /** Released by {@link SilverCommits} for each silver batch that committed rows. */
    final Semaphore silverCommitted = new Semaphore(0);
    private String lastNoTrainReason;

    ModelLoop(LiveModel model, LayerContext ctx) {
      super("live-model");
      setDaemon(true);
      this.model = model;
      this.ctx = ctx;
    }

    @Override
    public void run() {
      ctx.spark().sparkContext().setLocalProperty("spark.scheduler.pool", "model");
      ctx.spark().sparkContext().setJobGroup(JOB_GROUP, "live scoring and retraining", false);
      try {
        while (!stopping) {
          long started = System.nanoTime();
          // What silver committed before this tick's read is scored by it.
          silverCommitted.drainPermits();
          // Train and score in two steps, each reported as it ends: under load a first train
          // takes minutes.
          TrainJob.TrainResult trained = model.trainIfDue(ctx);
          if (trained != null) {
            trains.incrementAndGet();
            step("Trained model v%d on %d rows up to %s (test AUC %.3f) in %.1f s",
                trained.modelVersion(), trained.trainRows(), trained.dataTo(),
                trained.metrics().auc(), trained.millis() / 1000.0);
          } else if (model.noTrainBecause() != null
              && !model.noTrainBecause().equals(lastNoTrainReason)) {
            step("No model yet: %s; trying again every %d s", model.noTrainBecause(),
                LiveModel.Config.RETRY_TRAIN_AFTER.toSeconds());
          }
          lastNoTrainReason = model.noTrainBecause();
          LiveModel.Tick tick = model.scoreNewMinutes(ctx, trained);
          ticks.incrementAndGet();
          predictions.addAndGet(tick.scored());
          long waitNanos = config.scoreEvery().toNanos() - (System.nanoTime() - started);
          if (waitNanos > 0 && !stopping) {
            silverCommitted.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
          }
        }
      } catch (InterruptedException e) {
        // stopping
      } catch (Throwable e) {
        if (!stopping) failure = e;
      }
    }

    void shutdown() throws InterruptedException {
      stopping = true;
      silverCommitted.release();   // out of its wait
      // Cancelled, not waited for: a train takes minutes on 2 cores and commits nothing until
      // its last step (the model, then its model_runs row), and a restart's first scoring tick
      // can take a minute. Each commit is whole, and the next start scores from what the
      // predictions table holds and trains again if no model was committed.
      ctx.spark().sparkContext().cancelJobGroup(JOB_GROUP);
      join(STOP_PATIENCE.toMillis());
      if (!isAlive()) return;
      interrupt();   // a train takes minutes; it commits nothing until its last step
      join(TimeUnit.SECONDS.toMillis(60));
    }
  }

  private static boolean running(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  interface QueryStart {
    StreamingQuery start() throws Exception;
  }

  /** Starts a query whose jobs run in their own fair-scheduler pool. */
  private static StreamingQuery inPool(SparkSession spark, String pool, QueryStart start)
      throws Exception {
    spark.sparkContext().setLocalProperty("spark.scheduler.pool", pool);
    try {
      return start.start();
    } finally {
      spark.sparkContext().setLocalProperty("spark.scheduler.pool", null);
    }
  }

  /** Waits for a table the next query reads; a stop request or a failed poller ends the wait. */
  private void awaitTable(SparkSession spark, String table, BackgroundPoll poll)
      throws InterruptedException {
    while (!DeltaTable.isDeltaTable(spark, table) && !poll.isDone()
        && !stopRequested.await(500, TimeUnit.MILLISECONDS)) {
      // the query before it has not committed its first batch yet
    }
  }

  /**
   * Where the exchange's clock starts on a first run: now at real speed; at speed s, far enough
   * back that it reaches the present only after {@link #ACCELERATED_RUNWAY} of wall time.
   */
  Instant firstStart(Instant now) {
    double ahead = (config.exchangeSpeed() - 1) * ACCELERATED_RUNWAY.toMillis();
    return ahead <= 0 ? now : now.minusMillis(Math.round(ahead));
  }

  private ExchangeTimeline timeline(LongSupplier exchangeNow) {
    return new ExchangeTimeline(System.currentTimeMillis(), exchangeNow.getAsLong(),
        config.exchangeSpeed());
  }

  private void saveClock(LongSupplier exchangeNow) throws java.io.IOException {
    timeline(exchangeNow).write(config.workdir());
  }

  private String speed() {
    return config.exchangeSpeed() == Math.rint(config.exchangeSpeed())
        ? String.valueOf((long) config.exchangeSpeed()) : String.valueOf(config.exchangeSpeed());
  }

  private void step(String format, Object... args) {
    out.printf("[live %s] %s%n", java.time.LocalTime.now().format(CLOCK),
        String.format(java.util.Locale.ROOT, format, args));
    out.flush();
  }
}
