package io.marketlake.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.CommandRun;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.Reachability;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.stack.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bronze command as a user runs it, in this JVM against the real broker and S3 server, with
 * its endpoints from a configuration file and the environment: one run resolves them once,
 * probes S3 and Kafka once each and opens one Spark session.
 */
class BronzeCommandIT {
  @Test
  void aRunProbesEachServiceOnceOpensOneSessionAndTakesItsEndpointsFromTheConfigFile(
      @TempDir Path dir) throws Exception {
    EmbeddedStack stack = EmbeddedStack.shared();
    StackEndpoints endpoints = stack.endpoints();
    String topic = stack.uniqueTopic("bronze-command");
    Lakehouse lakehouse = stack.uniqueLakehouse("bronze-command");
    Path config = dir.resolve("marketlake.properties");
    Files.writeString(config, String.join("\n",
        "# one file for every command: keys no option of bronze has are ignored",
        "bootstrap-servers=" + endpoints.kafkaBootstrap(),
        "lakehouse=" + lakehouse.root(),
        "s3-endpoint=" + endpoints.s3Endpoint(),
        "s3-access-key=" + endpoints.s3AccessKey(),
        "bronze.topic=" + topic,
        "topic=not-this-one",
        "symbols=BTCUSDT"));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
        new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "LINKUSDT", "{\"kind\":\"candle\"}")).get();
    }
    int s3Probes = Reachability.s3Probes();
    int kafkaProbes = Reachability.kafkaProbes();
    int sessions = LayerContext.sessionsOpened();

    CommandRun run = CommandRun.of(new BronzeCommand(),
        Map.of("MARKETLAKE_S3_SECRET_KEY", endpoints.s3SecretKey()), "--config", config.toString());

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(Reachability.s3Probes() - s3Probes).as("S3 probes").isEqualTo(1);
    assertThat(Reachability.kafkaProbes() - kafkaProbes).as("Kafka probes").isEqualTo(1);
    assertThat(LayerContext.sessionsOpened() - sessions).as("Spark sessions").isEqualTo(1);
    // The file's bronze.topic won over its plain topic; the environment gave the secret key.
    assertThat(SparkSession.active().read().format("delta").load(lakehouse.bronzeCandlesRaw())
        .select("topic", "key").collectAsList()).extracting(Object::toString)
        .containsExactly("[" + topic + ",LINKUSDT]");
  }
}
