package io.marketlake.bench;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Seeded 1m candles of {@code SYM0USDT}, {@code SYM1USDT}, … published as ingest publishes them
 * (the same JSON, key and headers, an idempotent producer): minute after minute, every symbol
 * once per minute, from 2026-01-01. What the throughput benchmarks feed bronze.
 */
final class SyntheticCandles {
  /** 2026-01-01T00:00:00Z. */
  static final long START_MS = 1767225600000L;

  private SyntheticCandles() {}

  /** The symbol of the {@code i}-th message among {@code symbols}. */
  static String symbol(long i, int symbols) {
    return "SYM" + (i % symbols) + "USDT";
  }

  /** The open time of the {@code i}-th message: all symbols share each minute. */
  static long openTime(long i, int symbols) {
    return START_MS + (i / symbols) * 60_000L;
  }

  /** Publishes {@code count} candles of {@code symbols} symbols; returns the bytes of keys and values. */
  static long produce(String bootstrap, String topic, int symbols, long count) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
    Random random = new Random(7);
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long i = 0; i < count; i++) {
        String symbol = symbol(i, symbols);
        long openTime = openTime(i, symbols);
        BigDecimal open = price(100 + random.nextGaussian());
        BigDecimal close = price(100 + random.nextGaussian());
        MarketMessage candle = MarketMessage.candle("binance", symbol, "1m", openTime,
            openTime + 59_999, open, open.max(close).add(price(random.nextDouble())),
            open.min(close).subtract(price(random.nextDouble())), close,
            price(1000 * random.nextDouble()), price(100_000 * random.nextDouble()),
            (long) random.nextInt(5000), price(500 * random.nextDouble()),
            price(50_000 * random.nextDouble()), openTime + 60_500);
        byte[] key = symbol.getBytes(StandardCharsets.UTF_8);
        byte[] value = MessageCodec.encode(candle);
        bytes += key.length + value.length;
        RecordHeaders headers = new RecordHeaders();
        headers.add(MarketMessage.HEADER_SOURCE, "binance".getBytes(StandardCharsets.UTF_8));
        headers.add(MarketMessage.HEADER_SCHEMA_VERSION, "1".getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, key, value, headers));
      }
      producer.flush();
    }
    return bytes;
  }

  private static BigDecimal price(double value) {
    return BigDecimal.valueOf(value).setScale(8, RoundingMode.HALF_UP);
  }
}
