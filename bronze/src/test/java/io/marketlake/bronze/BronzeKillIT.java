package io.marketlake.bronze;

import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.lease.WriterLease;
import io.marketlake.common.spark.TestSpark;
import io.marketlake.stack.EmbeddedStack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Bronze killed with SIGKILL (a separate JVM, so no shutdown hook, no cleanup) at random points
 * while 100,000 messages are produced, restarted each time, loses and duplicates nothing.
 *
 * <p>Each kill lands just after one of the two moments where a crash is most dangerous: a
 * micro-batch's offsets were written to the checkpoint but its data not yet committed to Delta,
 * or the data was committed to Delta but the checkpoint not yet told. Which one, and after how
 * many batches, is drawn from a seeded {@link Random}; where each kill really landed is read
 * back from the checkpoint and the Delta log and printed. The messages are produced in one
 * chunk per kill, each while bronze runs or restarts, and the last run drains the topic
 * (available-now). {@code -Dmarketlake.bronze.kills=20} runs
 * the fault suite's 20 kills; {@code -Dmarketlake.bronze.kill.seed=N} replays a sequence.
 */
class BronzeKillIT {
  private static final int MESSAGES = 100_000;
  private static final int KILLS = Integer.getInteger("marketlake.bronze.kills", 2);
  private static final long SEED = Long.getLong("marketlake.bronze.kill.seed", 20261122L);
  private static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void killedAtRandomPointsItLosesAndDuplicatesNothing() throws Exception {
    long started = System.nanoTime();
    EmbeddedStack stack = EmbeddedStack.shared();
    String topic = stack.uniqueTopic("bronze-kill");
    Lakehouse lakehouse = stack.uniqueLakehouse("bronze-kill");
    Path root = stack.s3().dataDir().resolve(EmbeddedStack.BUCKET)
        .resolve(lakehouse.root().substring(("s3a://" + EmbeddedStack.BUCKET + "/").length()));
    Path deltaLog = root.resolve("bronze/market_data_raw/_delta_log");
    Path offsets = root.resolve("_checkpoints/bronze_market_data_raw/offsets");
    Path commits = root.resolve("_checkpoints/bronze_market_data_raw/commits");
    Path logs = Files.createDirectories(Path.of("target", "bronze-kill-logs"));
    try (Stream<Path> old = Files.list(logs)) {
      for (Path log : old.toList()) Files.delete(log);   // a previous run's, maybe more kills
    }
    Random random = new Random(SEED);
    List<String> kills = new ArrayList<>();
    int chunk = MESSAGES / KILLS;
    // Two micro-batches per chunk: each run gets killed inside its chunk, so the kills spread
    // over the whole stream instead of piling up at its start.
    long maxOffsetsPerTrigger = Math.max(1_000, chunk / 2);

    try (KafkaProducer<byte[], byte[]> producer = producer(stack.endpoints())) {
      Process job =
          startBronze(stack.endpoints(), topic, lakehouse, maxOffsetsPerTrigger, logs, 0);
      for (int round = 0; round < KILLS; round++) {
        // Produced while the job runs (or restarts): the last round takes the remainder.
        int until = round == KILLS - 1 ? MESSAGES : (round + 1) * chunk;
        produce(producer, topic, round * chunk, until);
        boolean afterDeltaCommit = random.nextBoolean();
        Path watched = afterDeltaCommit ? deltaLog : offsets;
        long target = countLogFiles(watched) + 1 + random.nextInt(2);
        Process running = job;
        await().atMost(PROGRESS_TIMEOUT).pollInterval(Duration.ofMillis(20))
            .until(() -> countLogFiles(watched) >= target || !running.isAlive());
        // The log is read only if the assertion fails: not between the kill point and the kill.
        Path log = logs.resolve("bronze-" + round + ".log");
        assertThat(job.isAlive()).as(() -> "bronze died on its own: " + lastLines(log)).isTrue();
        job.destroyForcibly();   // SIGKILL
        assertThat(job.waitFor(30, TimeUnit.SECONDS)).isTrue();
        kills.add(whereItLanded(countLogFiles(offsets), countLogFiles(commits),
            countLogFiles(deltaLog)));
        if (round < KILLS - 1) {
          job = startBronze(stack.endpoints(), topic, lakehouse, maxOffsetsPerTrigger, logs,
              round + 1);
        }
      }
    }
    Process drain = startBronze(stack.endpoints(), topic, lakehouse, null, logs, KILLS);
    assertThat(drain.waitFor(PROGRESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(drain.exitValue()).as("final bronze run: %s",
        lastLines(logs.resolve("bronze-" + KILLS + ".log"))).isZero();

    Dataset<Row> bronze = TestSpark.get().read().format("delta")
        .load(root.resolve("bronze/market_data_raw").toUri().toString());
    Row counts = bronze.selectExpr("count(*)", "count(DISTINCT topic, partition, offset)",
        "count(DISTINCT get_json_object(value, '$.n'))").first();
    // Per partition, offsets 0..max with none missing (the topic is written only by this test).
    List<Row> gaps = bronze.groupBy("partition")
        .agg(expr("count(*) AS rows"), expr("min(offset) AS first"), expr("max(offset) AS last"))
        .filter("first <> 0 OR last + 1 <> rows").collectAsList();
    System.out.printf("BronzeKillIT: seed %d, %d kills %s, %d rows, %d duplicates, %d distinct"
            + " messages, %.0f s%n", SEED, kills.size(), kills, counts.getLong(0),
        counts.getLong(0) - counts.getLong(1), counts.getLong(2),
        (System.nanoTime() - started) / 1e9);
    assertThat(kills).hasSize(KILLS);
    assertThat(counts.getLong(0)).as("rows").isEqualTo(MESSAGES);
    assertThat(counts.getLong(1)).as("distinct (topic, partition, offset)").isEqualTo(MESSAGES);
    assertThat(counts.getLong(2)).as("distinct messages").isEqualTo(MESSAGES);
    assertThat(gaps).as("partitions with missing offsets").isEmpty();
  }

  /**
   * Where in a micro-batch's life the kill landed, from what survived it: batch {@code b}'s
   * offsets file is written first, then its Delta commit, then its checkpoint commit file. Delta
   * version {@code v} is batch {@code v}: the streaming sink creates the table with its first
   * batch and commits once per batch.
   */
  private static String whereItLanded(long offsetFiles, long commitFiles, long deltaVersions) {
    long batch = offsetFiles - 1;
    if (offsetFiles == commitFiles) return "batch " + batch + " complete";
    return deltaVersions > batch ? "batch " + batch + " in Delta, not in checkpoint"
        : "batch " + batch + " planned, not in Delta";
  }

  private static KafkaProducer<byte[], byte[]> producer(StackEndpoints endpoints) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Messages {@code from} to {@code until} - 1, about 120 bytes each, acknowledged on return. */
  private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, int from,
      int until) {
    for (int i = from; i < until; i++) {
      String symbol = "SYM" + (i % 7);
      String value = "{\"schema_version\":1,\"kind\":\"candle\",\"symbol\":\"" + symbol
          + "\",\"n\":" + i + ",\"open_time\":" + (1769904000000L + i * 60_000L)
          + ",\"close\":10.5}";
      producer.send(new ProducerRecord<>(topic, symbol.getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  /**
   * Bronze in its own JVM, as spark-submit would run it: on a 1 s trigger with at most {@code
   * maxOffsetsPerTrigger} records per batch, or available-now (drain and stop) when that is null.
   */
  /**
   * The end of a bronze run's log, where its error is, for an assertion's message: CI shows the
   * message, not the files under target/.
   */
  static String lastLines(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return log + " ends with:\n" + String.join("\n",
          lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return log + " unreadable: " + e.getMessage();
    }
  }

  static Process startBronze(StackEndpoints endpoints, String topic, Lakehouse lakehouse,
      Long maxOffsetsPerTrigger, Path logs, int run) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // BronzeLeaseIT: a lease that expires in 3 s, not 30.
    command.add("-D" + WriterLease.HEARTBEAT_PROPERTY + "=1s");
    // The test JVM's own module flags are exactly what Spark needs.
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        BronzeCommand.class.getName(),
        "--bootstrap-servers", endpoints.kafkaBootstrap(), "--topic", topic,
        "--lakehouse", lakehouse.root(), "--s3-endpoint", endpoints.s3Endpoint(),
        "--s3-access-key", endpoints.s3AccessKey(), "--s3-secret-key", endpoints.s3SecretKey()));
    if (maxOffsetsPerTrigger == null) {
      command.addAll(List.of("--trigger", "available-now"));
    } else {
      command.addAll(List.of("--trigger", "1s",
          "--max-offsets-per-trigger", String.valueOf(maxOffsetsPerTrigger)));
    }
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.redirectErrorStream(true)
        .redirectOutput(logs.resolve("bronze-" + run + ".log").toFile()).start();
  }

  /** Commit files of a Delta log or a checkpoint's offsets directory: names that are numbers. */
  private static long countLogFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.matches("\\d+(\\.json)?")).count();
    }
  }
}
