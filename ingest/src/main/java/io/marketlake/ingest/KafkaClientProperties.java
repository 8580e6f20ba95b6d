package io.marketlake.ingest;

import io.marketlake.common.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client settings: the user's pass-through properties (so SASL/SSL clusters such as MSK or
 * Confluent Cloud work), then the project's defaults where the user said nothing, then the
 * settings the delivery guarantees depend on, which nobody may override.
 */
final class KafkaClientProperties {
  private KafkaClientProperties() {}

  /** Reads a {@code .properties} file ({@code --kafka-config}). */
  static Map<String, String> load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(IngestErrors.unreadableKafkaConfig(file, e));
    }
    Map<String, String> out = new LinkedHashMap<>();
    properties.stringPropertyNames().stream().sorted()
        .forEach(name -> out.put(name, properties.getProperty(name)));
    return out;
  }

  /** Parses repeated {@code --kafka-property KEY=VALUE} options. */
  static Map<String, String> parsePairs(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || pair.substring(0, eq).isBlank()) {
        throw new UsageException(IngestErrors.badKafkaProperty(pair));
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /** Producer settings: user's first, then defaults, then the non-negotiable ones. */
  static Properties producer(Map<String, String> user) {
    Properties p = new Properties();
    p.putAll(user);
    p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
    // Broker down: keep retrying, and let send() block once this bounded buffer is full, rather
    // than drop or fail anything we already fetched.
    p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(32L * 1024 * 1024));
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "marketlake-ingest");
    // Exactly-once per partition across broker restarts depends on these: set last.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Admin settings (topic creation): the user's connection settings, nothing producer-only. */
  static Properties admin(Map<String, String> user) {
    Properties p = new Properties();
    for (Map.Entry<String, String> e : user.entrySet()) {
      if (ADMIN_KEYS_PREFIXES.stream().anyMatch(e.getKey()::startsWith)) p.put(e.getKey(), e.getValue());
    }
    p.putIfAbsent("client.id", "marketlake-ingest-admin");
    return p;
  }

  private static final List<String> ADMIN_KEYS_PREFIXES = List.of(
      "bootstrap.servers", "security.", "sasl.", "ssl.", "client.dns.lookup", "request.timeout.ms",
      "default.api.timeout.ms", "connections.max.idle.ms", "metadata.", "retry.backoff",
      "reconnect.backoff", "socket.");
}
