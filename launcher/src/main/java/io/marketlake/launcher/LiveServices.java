package io.marketlake.launcher;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.UsageException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The services {@code live} uses instead of starting its own local stack: a real exchange
 * (Binance's API), a real Kafka cluster and a lakehouse on S3.
 *
 * @param exchangeUrl the exchange API's base URL
 * @param kafkaProperties Kafka client properties for the producer and bronze's consumer alike,
 *     {@code bootstrap.servers} among them (security settings for MSK or Confluent go here too)
 * @param master Spark master when not run by spark-submit
 */
public record LiveServices(String exchangeUrl, Map<String, String> kafkaProperties, String topic,
    Lakehouse lakehouse, S3Settings s3, String master) {
  public LiveServices {
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (kafkaProperties.get("bootstrap.servers") == null) {
      throw new UsageException("live on real services needs --bootstrap-servers HOST:PORT");
    }
    if (lakehouse == null) {
      throw new UsageException("live on real services needs --lakehouse s3a://BUCKET/PATH");
    }
  }

  public String kafkaBootstrap() {
    return kafkaProperties.get("bootstrap.servers");
  }

  /** The same client properties as options of Spark's Kafka source (prefixed {@code kafka.}). */
  public Map<String, String> sparkKafkaOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    kafkaProperties.forEach((key, value) -> {
      if (!key.equals("bootstrap.servers")) options.put("kafka." + key, value);
    });
    return options;
  }
}
