package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the last records of every partition of the topic to find, per symbol of one source, the
 * newest open time Kafka already holds. The state file is written only after Kafka acknowledged a
 * page, so it can lag the topic by the pages in flight when the process died (SIGKILL, power
 * loss); those are at the end of their partitions, and every record of a symbol goes to the same
 * partition in order, so the tail tells the true resume point. No consumer group, no commits.
 */
final class TopicTail {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** Upper bound of records read per partition. */
  static final int MAX_TAIL = 50_000;

  private TopicTail() {}

  /** Records per partition worth reading: one page in flight per symbol, at most. */
  static int tailFor(ExchangeSource source, int symbols) {
    int page = source instanceof MarketSource candles ? candles.maxCandlesPerRequest() : 1;
    return (int) Math.min(MAX_TAIL, (long) page * symbols + 100);
  }

  /** Newest {@code open_time} per symbol of {@code source} in the last records of the topic. */
  static Map<String, Long> lastOpenTimes(Map<String, String> kafkaProperties, String topic,
      String source, List<String> symbols, int tail) {
    Properties props = KafkaClientProperties.admin(kafkaProperties);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "marketlake-ingest-resume");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Set<String> wanted = new HashSet<>(symbols);
    byte[] sourceBytes = source.getBytes(StandardCharsets.UTF_8);
    Map<String, Long> last = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, TIMEOUT)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, TIMEOUT);
      List<TopicPartition> pending = new ArrayList<>();
      for (TopicPartition p : partitions) {
        long from = Math.max(begins.get(p), ends.get(p) - tail);
        if (from < ends.get(p)) {
          consumer.seek(p, from);
          pending.add(p);
        }
      }
      consumer.assign(pending);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!pending.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(IngestErrors.kafkaUnreachable(
              kafkaProperties.get("bootstrap.servers"), TIMEOUT.toSeconds()));
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() == null || !wanted.contains(new String(r.key(), StandardCharsets.UTF_8))) {
            continue;
          }
          Header header = r.headers().lastHeader(MarketMessage.HEADER_SOURCE);
          if (header == null || !java.util.Arrays.equals(header.value(), sourceBytes)) continue;
          MarketMessage m = MessageCodec.decode(r.value());
          last.merge(m.symbol(), m.openTime(), Math::max);
        }
        pending.removeIf(p -> consumer.position(p, TIMEOUT) >= ends.get(p));
        consumer.assign(pending);
      }
    }
    return last;
  }
}
