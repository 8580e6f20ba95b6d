package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Topics;
import io.marketlake.common.UsageException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The real stack in a temporary directory: Kafka, S3 and the exchange, then a clean stop. */
class EmbeddedStackIT {
  @TempDir Path workdir;

  @Test
  void startsServesAndStopsTheWholeStack() throws Exception {
    long began = System.nanoTime();
    EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withPartitions(2));
    System.out.printf("stack started in %.1f s%n", (System.nanoTime() - began) / 1e9);
    StackEndpoints endpoints = stack.endpoints();
    try {
      assertThat(StackEndpoints.read(workdir)).isEqualTo(endpoints);
      assertThat(endpoints.s3Bucket()).isEqualTo("marketlake");
      assertThat(endpoints.lakehouse()).isEqualTo("s3a://marketlake/lakehouse");
      assertThat(endpoints.topic()).isEqualTo(Topics.MARKET_DATA);
      assertThat(endpoints.pids()).containsOnlyKeys("kafka", "s3");

      try (Admin admin = stack.kafka().admin()) {
        assertThat(admin.describeTopics(List.of(Topics.MARKET_DATA)).allTopicNames().get()
            .get(Topics.MARKET_DATA).partitions()).hasSize(2);
      }
      roundTripThroughKafka(endpoints.kafkaBootstrap(), stack.uniqueTopic("it"));
      roundTripThroughS3(stack);
      HttpResponse<String> ping = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(endpoints.exchangeUrl() + "/api/v3/ping")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ping.statusCode()).isEqualTo(200);

      assertThatThrownBy(() -> EmbeddedStack.start(StackOptions.defaults(workdir)))
          .isInstanceOf(UsageException.class)
          .hasMessageStartingWith("A local stack is already running in " + workdir);
    } finally {
      began = System.nanoTime();
      stack.close();
      System.out.printf("stack stopped in %.1f s%n", (System.nanoTime() - began) / 1e9);
    }

    assertThat(Files.exists(StackEndpoints.file(workdir))).isFalse();
    for (String address : List.of(endpoints.kafkaBootstrap(), endpoints.s3Endpoint(),
        endpoints.exchangeUrl())) {
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      assertThat(ChildJvm.listening(port)).as("%s still listening", address).isFalse();
    }
    assertThat(EmbeddedStack.runningAt(workdir)).isEmpty();
  }

  private static void roundTripThroughKafka(String bootstrap, String topic) {
    Properties producerProps = new Properties();
    producerProps.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all"));
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "BTCUSDT", "{\"close\":1}")).get();
    } catch (Exception e) {
      throw new AssertionError("produce to " + topic + " failed", e);
    }
    Properties consumerProps = new Properties();
    consumerProps.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> received = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
        return !received.isEmpty();
      });
      assertThat(received).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("BTCUSDT");
        assertThat(r.value()).isEqualTo("{\"close\":1}");
      });
    }
  }

  private static void roundTripThroughS3(EmbeddedStack stack) throws Exception {
    String key = stack.uniquePrefix("it") + "/hello.txt";
    try (S3Client s3 = stack.newS3Client()) {
      s3.putObject(b -> b.bucket(EmbeddedStack.BUCKET).key(key), RequestBody.fromString("hello"));
      String back = s3.getObjectAsBytes(b -> b.bucket(EmbeddedStack.BUCKET).key(key))
          .asString(StandardCharsets.UTF_8);
      assertThat(back).isEqualTo("hello");
    }
    // the filesystem backend: objects are plain files under the work directory
    assertThat(stack.s3().dataDir().resolve(EmbeddedStack.BUCKET).resolve(key))
        .hasContent("hello");
  }
}
