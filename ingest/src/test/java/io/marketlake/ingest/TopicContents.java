package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Every market message in a topic right now, read from the beginning without a group. */
record TopicContents(List<MarketMessage> messages) {
  static final long MINUTE_MS = 60_000;

  static TopicContents read(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<MarketMessage> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10))
          .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) throw new AssertionError("cannot read " + topic);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(MessageCodec.decode(r.value()));
        }
      }
    }
    return new TopicContents(out);
  }

  /** Messages per symbol. */
  Map<String, Long> countPerSymbol() {
    return messages.stream().collect(Collectors.groupingBy(MarketMessage::symbol, TreeMap::new,
        Collectors.counting()));
  }

  /** Distinct (symbol, open_time) pairs. */
  long distinctCandles() {
    return messages.stream().map(m -> m.symbol() + "@" + m.openTime()).distinct().count();
  }

  /** The open times of one symbol, sorted, without repeats. */
  TreeSet<Long> openTimes(String symbol) {
    return messages.stream().filter(m -> m.symbol().equals(symbol)).map(MarketMessage::openTime)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  long newest(String symbol) {
    TreeSet<Long> times = openTimes(symbol);
    return times.isEmpty() ? Long.MIN_VALUE : times.last();
  }

  /** Every minute from {@code first} to {@code last}, inclusive. */
  static List<Long> minutes(long first, long last) {
    List<Long> out = new ArrayList<>();
    for (long t = first; t <= last; t += MINUTE_MS) out.add(t);
    return out;
  }
}
