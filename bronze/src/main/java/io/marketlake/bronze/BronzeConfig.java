package io.marketlake.bronze;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.UsageException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one bronze run needs, validated once.
 *
 * @param trigger {@code null} for available-now (process what is there, then stop), else the
 *     processing-time interval of a continuously running query
 * @param kafkaOptions passed to Spark's Kafka source as is (keys start with {@code kafka.} for
 *     consumer properties, e.g. {@code kafka.security.protocol=SASL_SSL})
 */
public record BronzeConfig(
    String bootstrapServers,
    String topic,
    Lakehouse lakehouse,
    S3Settings s3,
    String master,
    String startingOffsets,
    Long maxOffsetsPerTrigger,
    boolean failOnDataLoss,
    Duration trigger,
    Map<String, String> kafkaOptions) {

  public BronzeConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new UsageException("No Kafka bootstrap servers: pass --bootstrap-servers HOST:PORT"
          + " (or --workdir DIR of a running local stack)");
    }
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    if (maxOffsetsPerTrigger != null && maxOffsetsPerTrigger <= 0) {
      throw new UsageException("--max-offsets-per-trigger must be positive, got "
          + maxOffsetsPerTrigger);
    }
    kafkaOptions = Map.copyOf(kafkaOptions == null ? Map.of() : kafkaOptions);
  }

  public String table() {
    return lakehouse.bronzeCandlesRaw();
  }

  public String checkpoint() {
    return lakehouse.checkpoint("bronze_market_data_raw");
  }
}
