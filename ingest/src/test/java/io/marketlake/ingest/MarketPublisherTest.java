package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class MarketPublisherTest {
  static final MarketMessage CANDLE = MarketMessage.candle("binance", "ETHUSDT", "1m",
      1769904000000L, 1769904059999L, new BigDecimal("2501.10"), new BigDecimal("2502.00"),
      new BigDecimal("2500.00"), new BigDecimal("2501.55"), new BigDecimal("10.0001"),
      new BigDecimal("25015.5"), 42L, new BigDecimal("5"), new BigDecimal("12507.75"),
      1769904062000L);

  @Test
  void keyHeadersAndValueRoundTrip() throws Exception {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    MarketPublisher publisher = new MarketPublisher(producer, "market");

    publisher.publish(List.of(CANDLE), MarketPublisher.WRITER_POLL);

    ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo("market");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("ETHUSDT");
    assertThat(new String(record.headers().lastHeader("source").value(), StandardCharsets.UTF_8))
        .isEqualTo("binance");
    assertThat(new String(record.headers().lastHeader("schema_version").value(),
        StandardCharsets.UTF_8)).isEqualTo("1");
    assertThat(new String(record.headers().lastHeader("marketlake-writer").value(),
        StandardCharsets.UTF_8)).isEqualTo("poll");
    assertThat(MessageCodec.decode(record.value())).isEqualTo(CANDLE);
  }

  @Test
  void userPropertiesPassThroughButNeverWeakenDelivery() {
    Properties p = KafkaClientProperties.producer(Map.of(
        "bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
        "compression.type", "zstd", "acks", "1", "enable.idempotence", "false"));

    assertThat(p).containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("compression.type", "zstd") // a default the user may change
        .containsEntry("acks", "all")               // guarantees they may not
        .containsEntry("enable.idempotence", "true")
        .containsEntry("delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE))
        .containsEntry("max.block.ms", String.valueOf(Integer.MAX_VALUE));
    assertThat(KafkaClientProperties.admin(Map.of("bootstrap.servers", "b:9092",
        "sasl.mechanism", "PLAIN", "linger.ms", "5")))
        .containsEntry("sasl.mechanism", "PLAIN").doesNotContainKey("linger.ms");
  }
}
