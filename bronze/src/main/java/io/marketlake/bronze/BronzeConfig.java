package io.marketlake.bronze;

import io.marketlake.common.Topics;
import io.marketlake.common.UsageException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one bronze run, validated once; where the tables are and how the session
 * reaches them is the run's {@link io.marketlake.common.spark.LayerContext}.
 *
 * @param startingOffsets where a new query starts: earliest, latest, or Spark's JSON of offsets
 * @param trigger {@code null} for available-now (process what is there, then stop), else the
 *     processing-time interval of a continuously running query
 * @param kafkaOptions passed to Spark's Kafka source as is (keys start with {@code kafka.} for
 *     consumer properties, e.g. {@code kafka.security.protocol=SASL_SSL})
 */
public record BronzeConfig(
    String bootstrapServers,
    String topic,
    String startingOffsets,
    Long maxOffsetsPerTrigger,
    boolean failOnDataLoss,
    Duration trigger,
    Map<String, String> kafkaOptions) {
  public static final String DEFAULT_STARTING_OFFSETS = "earliest";

  public BronzeConfig {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new UsageException("No Kafka bootstrap servers: pass --bootstrap-servers HOST:PORT"
          + " (or --workdir DIR of a running local stack)");
    }
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(startingOffsets, "startingOffsets");
    if (maxOffsetsPerTrigger != null && maxOffsetsPerTrigger <= 0) {
      throw new UsageException("--max-offsets-per-trigger must be positive, got "
          + maxOffsetsPerTrigger);
    }
    kafkaOptions = Map.copyOf(kafkaOptions == null ? Map.of() : kafkaOptions);
  }

  /** An available-now run of the default topic from its earliest offsets, no per-batch bound. */
  public static BronzeConfig defaults(String bootstrapServers) {
    return new BronzeConfig(bootstrapServers, Topics.MARKET_DATA, DEFAULT_STARTING_OFFSETS, null,
        true, null, Map.of());
  }

  public BronzeConfig withTopic(String name) {
    return new BronzeConfig(bootstrapServers, name, startingOffsets, maxOffsetsPerTrigger,
        failOnDataLoss, trigger, kafkaOptions);
  }

  public BronzeConfig withMaxOffsetsPerTrigger(Long max) {
    return new BronzeConfig(bootstrapServers, topic, startingOffsets, max, failOnDataLoss, trigger,
        kafkaOptions);
  }

  public BronzeConfig withTrigger(Duration interval) {
    return new BronzeConfig(bootstrapServers, topic, startingOffsets, maxOffsetsPerTrigger,
        failOnDataLoss, interval, kafkaOptions);
  }
}
