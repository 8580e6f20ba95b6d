package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Publishes market messages to one topic: key = symbol (UTF-8), value = {@link MessageCodec} JSON,
 * headers {@code source}, {@code schema_version} and {@value #HEADER_WRITER} (which ingest
 * command wrote it: {@value #WRITER_POLL} or {@value #WRITER_BACKFILL}; the poller recovers its
 * resume point from its own records only, see {@link TopicTail}). {@link #publish} returns only once Kafka has
 * acknowledged every message, so callers advance their resume point after it and a crash never
 * skips a candle. Thread-safe (the Kafka producer is).
 */
final class MarketPublisher implements AutoCloseable {
  static final String HEADER_WRITER = "marketlake-writer";
  static final String WRITER_POLL = "poll";
  static final String WRITER_BACKFILL = "backfill";

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  MarketPublisher(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  String topic() {
    return topic;
  }

  static ProducerRecord<byte[], byte[]> record(String topic, MarketMessage message,
      String writer) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(MarketMessage.HEADER_SOURCE, message.source().getBytes(StandardCharsets.UTF_8));
    headers.add(MarketMessage.HEADER_SCHEMA_VERSION,
        Integer.toString(message.schemaVersion()).getBytes(StandardCharsets.UTF_8));
    headers.add(HEADER_WRITER, writer.getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topic, null, message.symbol().getBytes(StandardCharsets.UTF_8),
        MessageCodec.encode(message), headers);
  }

  /**
   * Sends all messages in order, tagged as written by {@code writer}, and waits for their
   * acknowledgements. While the broker is down this blocks (the producer retries; a full buffer
   * blocks {@code send}), it never drops.
   */
  void publish(List<MarketMessage> messages, String writer)
      throws InterruptedException, PublishException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(messages.size());
    for (MarketMessage message : messages) acks.add(producer.send(record(topic, message, writer)));
    if (!acks.isEmpty()) producer.flush(); // don't let the last batch sit out linger.ms
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (ExecutionException e) {
        throw new PublishException(IngestErrors.publishFailed(topic, e.getCause()), e.getCause());
      }
    }
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /** Kafka refused a message for good (authorization, record too large...). */
  static final class PublishException extends Exception {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
