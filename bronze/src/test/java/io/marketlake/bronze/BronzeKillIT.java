package io.marketlake.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
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
 * many batches, is drawn from a seeded {@link Random}. {@code -Dmarketlake.bronze.kills=20} runs
 * the fault suite's 20 kills; {@code -Dmarketlake.bronze.kill.seed=N} replays a sequence.
 */
class BronzeKillIT {
  private static final int MESSAGES = 100_000;
  private static final int KILLS = Integer.getInteger("marketlake.bronze.kills", 4);
  private static final long SEED = Long.getLong("marketlake.bronze.kill.seed", 20261122L);
  private static final Duration PROGRESS_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void killedAtRandomPointsItLosesAndDuplicatesNothing() throws Exception {
    EmbeddedStack stack = EmbeddedStack.shared();
    String topic = stack.uniqueTopic("bronze-kill");
    Lakehouse lakehouse = stack.uniqueLakehouse("bronze-kill");
    Path root = stack.s3().dataDir().resolve(EmbeddedStack.BUCKET)
        .resolve(lakehouse.root().substring(("s3a://" + EmbeddedStack.BUCKET + "/").length()));
    Path deltaLog = root.resolve("bronze/market_data_raw/_delta_log");
    Path offsets = root.resolve("_checkpoints/bronze_market_data_raw/offsets");
    Path logs = Files.createDirectories(Path.of("target", "bronze-kill-logs"));
    Random random = new Random(SEED);
    List<String> kills = new ArrayList<>();

    try (KafkaProducer<byte[], byte[]> producer = producer(stack.endpoints())) {
      int chunk = MESSAGES / (KILLS + 1);
      Process job = startBronze(stack.endpoints(), topic, lakehouse, "1s", logs, 0);
      for (int round = 0; round <= KILLS; round++) {
        produce(producer, topic, round * chunk, round == KILLS ? MESSAGES : (round + 1) * chunk);
        if (round == KILLS) break;
        boolean afterDeltaCommit = random.nextBoolean();
        Path watched = afterDeltaCommit ? deltaLog : offsets;
        long target = countLogFiles(watched) + 1 + random.nextInt(2);
        Process running = job;
        await().atMost(PROGRESS_TIMEOUT).pollInterval(Duration.ofMillis(20))
            .until(() -> countLogFiles(watched) >= target || !running.isAlive());
        assertThat(job.isAlive()).as("bronze died on its own; see %s", logs).isTrue();
        job.destroyForcibly();   // SIGKILL
        assertThat(job.waitFor(30, TimeUnit.SECONDS)).isTrue();
        kills.add((afterDeltaCommit ? "after Delta commit " : "after offsets file ") + target);
        job = startBronze(stack.endpoints(), topic, lakehouse, "1s", logs, round + 1);
      }
      job.destroyForcibly();
      assertThat(job.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Process drain = startBronze(stack.endpoints(), topic, lakehouse, "available-now", logs,
        KILLS + 1);
    assertThat(drain.waitFor(PROGRESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(drain.exitValue()).as("final bronze run; see %s", logs).isZero();
    System.out.println("kills (seed " + SEED + "): " + kills);

    Dataset<Row> bronze = TestSpark.get().read().format("delta")
        .load(root.resolve("bronze/market_data_raw").toUri().toString());
    assertThat(kills).hasSize(KILLS);
    assertThat(bronze.count()).as("rows").isEqualTo(MESSAGES);
    assertThat(bronze.select("topic", "partition", "offset").distinct().count())
        .as("distinct (topic, partition, offset)").isEqualTo(MESSAGES);
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

  /** Bronze in its own JVM, as spark-submit would run it. */
  private static Process startBronze(StackEndpoints endpoints, String topic, Lakehouse lakehouse,
      String trigger, Path logs, int run) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // The test JVM's own module flags are exactly what Spark needs.
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        BronzeCommand.class.getName(),
        "--bootstrap-servers", endpoints.kafkaBootstrap(), "--topic", topic,
        "--lakehouse", lakehouse.root(), "--s3-endpoint", endpoints.s3Endpoint(),
        "--s3-access-key", endpoints.s3AccessKey(), "--s3-secret-key", endpoints.s3SecretKey(),
        "--trigger", trigger));
    if (!trigger.equals("available-now")) {
      // Small batches while it is being killed: many commits, many chances to land mid-batch.
      command.addAll(List.of("--max-offsets-per-trigger", "4000"));
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
