package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.launcher.Live;
import io.marketlake.launcher.LiveCommand;
import io.marketlake.launcher.LiveConfig;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code live} on services it did not start, given by the endpoint options the layer commands
 * take: a Kafka broker, an S3 server and an exchange (at the real pace) that the test runs, as a
 * user's MSK, S3 and Binance would be. Live must start no stack of its own, write to the given
 * topic and lakehouse, and carry the backfilled history through to silver and gold.
 */
class LiveServicesIT {
  @TempDir Path services;
  @TempDir Path workdir;

  @Test
  void liveRunsOnServicesGivenAsOptions() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(services).withSeed(3))) {
      StackEndpoints real = stack.endpoints();
      String lakehouse = real.lakehouse().replaceAll("/+$", "") + "-live-on-services";
      LiveCommand command = new LiveCommand();
      Cli.commandLine(command, Map.of()).parseArgs("--workdir", workdir.toString(),
          "--symbols", "LINKUSDT", "--history", "30m", "--trigger", "1s", "--port", "0",
          "--bootstrap-servers", real.kafkaBootstrap(), "--topic", "live-services",
          "--base-url", real.exchangeUrl(), "--lakehouse", lakehouse,
          "--s3-endpoint", real.s3Endpoint(), "--s3-access-key", real.s3AccessKey(),
          "--s3-secret-key", real.s3SecretKey());
      LiveConfig config = command.toConfig();
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Live live = new Live(config, new PrintStream(printed, true, StandardCharsets.UTF_8));
      CompletableFuture<Live.LiveResult> run = CompletableFuture.supplyAsync(() -> {
        try {
          return live.run();
        } catch (Exception e) {
          throw new IllegalStateException(printed.toString(StandardCharsets.UTF_8), e);
        }
      });
      try {
        Live.Running running = live.awaitRunning(Duration.ofMinutes(5));
        assertThat(running).as(printed.toString(StandardCharsets.UTF_8)).isNotNull();
        SparkSession spark = running.context().spark();
        Lakehouse tables = new Lakehouse(lakehouse);
        assertThat(running.context().tables()).isEqualTo(tables);
        // The 30 backfilled minutes pass bronze and silver into gold's 5m table.
        Awaitility.await("the backfilled history in silver and gold").atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> endedNot(run) && count(spark, tables.silverCandles1m()) >= 30
                && count(spark, tables.goldCandles("5m")) >= 6);
      } finally {
        live.stop();
      }
      Live.LiveResult result = run.get(3, TimeUnit.MINUTES);

      String out = printed.toString(StandardCharsets.UTF_8);
      assertThat(out).contains("Using the exchange at " + real.exchangeUrl() + ", Kafka at "
          + real.kafkaBootstrap() + ", the lakehouse at " + lakehouse)
          .doesNotContain("Starting the local stack");
      assertThat(result.exchangeReached()).isNotNull();
      // Nothing of a stack of its own in its work directory: only marks, logs and the clock.
      assertThat(workdir.resolve(StackEndpoints.FILE_NAME)).doesNotExist();
      assertThat(workdir.resolve("ingest-state")).isDirectory();
      // Every candle went through the topic it was given.
      try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
          Map.of("bootstrap.servers", real.kafkaBootstrap(), "key.deserializer",
              org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
              "value.deserializer",
              org.apache.kafka.common.serialization.StringDeserializer.class.getName()))) {
        assertThat(records(consumer, "live-services")).isGreaterThanOrEqualTo(30);
        assertThat(records(consumer, real.topic())).as("the stack's own topic").isZero();
      }
    }
  }

  /** True while the run goes on; its failure, when it failed, ends the wait at once. */
  private static boolean endedNot(CompletableFuture<Live.LiveResult> run) {
    if (run.isDone()) run.join();
    return true;
  }

  private static long records(
      org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer, String topic) {
    var partitions = consumer.listTopics().getOrDefault(topic, java.util.List.of()).stream()
        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  private static long count(SparkSession spark, String table) {
    return io.delta.tables.DeltaTable.isDeltaTable(spark, table)
        ? spark.read().format("delta").load(table).count() : 0;
  }
}
