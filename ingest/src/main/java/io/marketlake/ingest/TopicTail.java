package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * newest minute the <em>poller</em> already published (a candle, or the end of a {@code
 * no_candles} range). The state file is written only after Kafka acknowledged a page, so it can
 * lag the topic by the pages in flight when the process died (SIGKILL, power loss); those are at
 * the end of their partitions, and every record of a symbol goes to the same partition in order,
 * so the tail tells the true resume point. Records other writers published (header {@value
 * MarketPublisher#HEADER_WRITER} not {@value MarketPublisher#WRITER_POLL}: a backfill, or a version
 * before the header) are skipped: a backfilled range must not move the poller past a hole. No
 * consumer group, no commits.
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

  /** Newest minute per symbol the poller of {@code source} published, in the topic's tail. */
  static Map<String, Long> lastPolledMinutes(Map<String, String> kafkaProperties, String topic,
      String source, List<String> symbols, int tail) {
    Properties props = KafkaClientProperties.admin(kafkaProperties);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "marketlake-ingest-resume");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
        lastPolledMinutes(consumer.poll(Duration.ofMillis(500)), source, symbols)
            .forEach((symbol, minute) -> last.merge(symbol, minute, Math::max));
        pending.removeIf(p -> consumer.position(p, TIMEOUT) >= ends.get(p));
        consumer.assign(pending);
      }
    }
    return last;
  }

  /**
   * Newest minute per symbol among {@code records} that the poller of {@code source} published:
   * a candle's open time, or the last minute of a {@code no_candles} range.
   */
  static Map<String, Long> lastPolledMinutes(Iterable<ConsumerRecord<byte[], byte[]>> records,
      String source, Collection<String> symbols) {
    Set<String> wanted = new HashSet<>(symbols);
    byte[] sourceBytes = source.getBytes(StandardCharsets.UTF_8);
    byte[] pollBytes = MarketPublisher.WRITER_POLL.getBytes(StandardCharsets.UTF_8);
    Map<String, Long> last = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.key() == null || !wanted.contains(new String(r.key(), StandardCharsets.UTF_8))) {
        continue;
      }
      if (!hasHeader(r, MarketMessage.HEADER_SOURCE, sourceBytes)
          || !hasHeader(r, MarketPublisher.HEADER_WRITER, pollBytes)) {
        continue;
      }
      MarketMessage m = MessageCodec.decode(r.value());
      long minute = MarketMessage.KIND_NO_CANDLES.equals(m.kind())
          ? CandleTransfer.floorMinute(m.closeTime()) : m.openTime();
      last.merge(m.symbol(), minute, Math::max);
    }
    return last;
  }

  private static boolean hasHeader(ConsumerRecord<byte[], byte[]> r, String name, byte[] value) {
    Header header = r.headers().lastHeader(name);
    return header != null && Arrays.equals(header.value(), value);
  }
}
