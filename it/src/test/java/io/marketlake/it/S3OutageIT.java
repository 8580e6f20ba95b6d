package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.CommandRun;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's storage test: the S3 server is stopped in the middle of a bronze micro-batch,
 * and again in the middle of a silver one, for {@link #OUTAGE}, then restarted on the same port
 * with the same objects. A job may ride the outage out on S3A's retries or fail with an error
 * naming S3; either way, once S3 is back and the job has run again, every record is in bronze
 * exactly once and every candle in silver exactly once.
 */
class S3OutageIT {
  static final Duration OUTAGE = Duration.ofSeconds(15);
  static final String SYMBOLS = "BTCUSDT,ETHUSDT,SOLUSDT";
  static final Instant TO = Instant.parse("2026-02-11T00:00:00Z");
  static final Instant FROM = TO.minus(Duration.ofDays(3));
  /** 3 days × 3 symbols. */
  static final long CANDLES = 3 * 1440 * 3;

  @TempDir static Path workdir;
  static EmbeddedStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(3));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) stack.close();
  }

  /** A topic and lakehouse of its own, holding the backfilled candles in Kafka. */
  static StackLayers loaded(String name) {
    StackLayers layers = new StackLayers(stack, stack.uniqueTopic(name),
        stack.uniqueLakehouse(name));
    CommandRun backfill = layers.ingest("backfill", "--symbols", SYMBOLS,
        "--from", FROM.toString(), "--to", TO.toString());
    assertThat(backfill.exitCode()).as(backfill.err()).isZero();
    return layers;
  }

  /** Where the S3 server keeps the objects of an {@code s3a://} path. */
  static Path onDisk(String s3aPath) {
    return stack.s3().dataDir().resolve(s3aPath.replaceFirst("^s3a://", ""));
  }

  static Path commit(String table, long version) {
    return onDisk(table).resolve("_delta_log").resolve(String.format("%020d.json", version));
  }

  @Test
  void bronzeLosesAndDoublesNothingWhenS3GoesAwayMidBatch() throws Exception {
    StackLayers layers = loaded("bronze-outage");
    String table = layers.lakehouse.bronzeCandlesRaw();
    // Small micro-batches on a 1 s trigger: the outage lands inside one.
    StreamingQuery query = new io.marketlake.bronze.BronzeJob(
        layers.bronzeConfig(1_500L, Duration.ofSeconds(1))).start(layers.ctx);
    String outcome;
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(commit(table, 1)));
      stack.s3().stop();
      await().during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> !stack.s3().isRunning());
      stack.s3().restart();
      if (query.isActive()) {
        // Rode it out: let it drain the topic.
        await().atMost(Duration.ofSeconds(120)).until(() -> !query.isActive()
            || layers.count(table) >= CANDLES);
      }
      outcome = query.exception().isDefined()
          ? "failed: " + oneLine(query.exception().get().getMessage()) : "rode it out";
    } finally {
      query.stop();
    }
    // Run again after the outage, as a scheduler would.
    layers.bronze();

    assertThat(layers.count(table)).isEqualTo(CANDLES);
    assertThat(layers.spark.read().format("delta").load(table)
        .select("topic", "partition", "offset").distinct().count()).isEqualTo(CANDLES);
    System.out.printf("FAULT-SUMMARY s3-bronze: S3 down %d s mid-batch; job %s; after restart"
        + " and a rerun %d rows, %d distinct offsets%n", OUTAGE.toSeconds(), outcome, CANDLES,
        CANDLES);
  }

  @Test
  void silverLosesAndDoublesNothingWhenS3GoesAwayMidBatch() throws Exception {
    StackLayers layers = loaded("silver-outage");
    // Bronze in three commits of a file per Kafka partition, so that silver reads it in about six
    // micro-batches (one file each): the outage comes after the second.
    new io.marketlake.bronze.BronzeJob(layers.bronzeConfig(5_000L, null)).run(layers.ctx);
    String silver = layers.lakehouse.silverCandles1m();
    CompletableFuture<SilverJob.SilverResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return layers.silver(1);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
    await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(commit(silver, 2))
        || run.isDone());
    assertThat(run).as("silver still had batches to go").isNotDone();
    stack.s3().stop();
    await().during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> !stack.s3().isRunning());
    stack.s3().restart();
    String outcome;
    try {
      SilverJob.SilverResult result = run.get(180, TimeUnit.SECONDS);
      outcome = "rode it out (" + result.batches() + " batches)";
    } catch (java.util.concurrent.ExecutionException e) {
      outcome = "failed: " + oneLine(e.getCause().getMessage());
    }
    SilverJob.SilverResult rerun = layers.silver();

    assertThat(layers.spark.read().format("delta").load(silver).count()).isEqualTo(CANDLES);
    assertThat(layers.spark.read().format("delta").load(silver)
        .select("symbol", "open_time").distinct().count()).isEqualTo(CANDLES);
    assertThat(layers.count(layers.lakehouse.silverQuarantine())).isZero();
    System.out.printf("FAULT-SUMMARY s3-silver: S3 down %d s mid-batch; job %s; the rerun read"
        + " %d bronze rows; silver %d candles, %d distinct%n", OUTAGE.toSeconds(), outcome,
        rerun.bronzeRowsRead(), CANDLES, CANDLES);
  }

  @Test
  void bronzeFailsWithOneClearLineWhenS3OutlastsItsRetries() throws Exception {
    StackLayers layers = loaded("bronze-down");
    String table = layers.lakehouse.bronzeCandlesRaw();
    org.apache.hadoop.conf.Configuration hadoop = layers.spark.sparkContext().hadoopConfiguration();
    // A retry budget of about a second instead of S3A's minutes: the outage outlasts it.
    java.util.Map<String, String> impatient = java.util.Map.of("fs.s3a.retry.limit", "1",
        "fs.s3a.retry.interval", "100ms", "fs.s3a.attempts.maximum", "1");
    impatient.forEach(hadoop::set);
    org.apache.hadoop.fs.FileSystem.closeAll();
    CommandRun failed;
    try {
      CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(
          () -> layers.run(new io.marketlake.bronze.BronzeCommand(), "--bootstrap-servers",
              layers.endpoints.kafkaBootstrap(), "--topic", layers.topic, "--lakehouse",
              layers.lakehouse.root(), "--s3-endpoint", layers.endpoints.s3Endpoint(),
              "--s3-access-key", layers.endpoints.s3AccessKey(), "--s3-secret-key",
              layers.endpoints.s3SecretKey(), "--max-offsets-per-trigger", "1500"));
      await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(commit(table, 1)));
      stack.s3().stop();
      failed = run.get(180, TimeUnit.SECONDS);
    } finally {
      impatient.keySet().forEach(hadoop::unset);
      org.apache.hadoop.fs.FileSystem.closeAll();
      stack.s3().restart();
    }
    assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
    assertThat(failed.err().lines()).as(failed.err()).hasSize(1).first().asString()
        .startsWith("error: S3 request failed: ")
        .contains(layers.endpoints.s3Endpoint().replaceFirst("^http://", ""))
        .endsWith("run the job again once S3 answers (--debug for the stack trace)");
    layers.bronze();

    assertThat(layers.count(table)).isEqualTo(CANDLES);
    assertThat(layers.spark.read().format("delta").load(table)
        .select("topic", "partition", "offset").distinct().count()).isEqualTo(CANDLES);
    System.out.printf("FAULT-SUMMARY s3-bronze-down: S3 down past the retry budget; bronze exit"
        + " code %d: %s; after restart and a rerun %d rows, %d distinct offsets%n",
        failed.exitCode(), failed.err().strip(), CANDLES, CANDLES);
  }

  static String oneLine(String message) {
    String first = message == null ? "(no message)" : message.lines().findFirst().orElse("");
    return first.length() > 300 ? first.substring(0, 300) + "..." : first;
  }
}
