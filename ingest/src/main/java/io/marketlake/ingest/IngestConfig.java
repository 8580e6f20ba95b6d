package io.marketlake.ingest;

import io.marketlake.common.Durations;
import io.marketlake.common.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Everything ingest needs, validated and immutable. Built once by {@code toConfig()} in the CLI (or
 * by {@link #of} in-process); nothing below reads picocli types or the environment.
 *
 * @param source API name: {@code binance}, {@code coingecko} or {@code yahoo}
 * @param baseUrl the API's base URL, e.g. {@code https://api.binance.com}
 * @param symbols symbols validated by the source's rules, in order, without repeats
 * @param topic Kafka topic the messages go to
 * @param kafkaProperties pass-through Kafka client properties, including {@code bootstrap.servers}
 * @param partitions partitions of the topic if ingest creates it
 * @param replicationFactor replication factor of the topic if ingest creates it
 * @param weightLimit the exchange's request-weight budget per minute
 * @param concurrency how many symbols are fetched at the same time
 * @param maxRetries retries of one request on 5xx, timeouts, connection errors, bad payloads
 * @param requestTimeout read timeout of one request (the whole call gets twice this)
 * @param pollDelay how long after each minute boundary the poller asks for the closed candle
 * @param stateDir where resume points are kept; {@code null} keeps them in memory only
 * @param progress whether backfill draws a progress bar on stderr
 * @param vsCurrency the currency CoinGecko prices are quoted in, e.g. {@code usd}
 * @param apiKey CoinGecko's demo API key, or null; the CLI takes it from {@code
 *     COINGECKO_API_KEY} (never printed: {@link #toString()} masks it)
 */
public record IngestConfig(
    String source,
    HttpUrl baseUrl,
    List<String> symbols,
    String topic,
    Map<String, String> kafkaProperties,
    int partitions,
    short replicationFactor,
    int weightLimit,
    int concurrency,
    int maxRetries,
    Duration requestTimeout,
    Duration pollDelay,
    Path stateDir,
    boolean progress,
    String vsCurrency,
    String apiKey) {

  public static final String DEFAULT_SOURCE = "binance";
  public static final String DEFAULT_BASE_URL = "https://api.binance.com";
  public static final int DEFAULT_WEIGHT_LIMIT = 6000;
  public static final int DEFAULT_PARTITIONS = 3;
  public static final short DEFAULT_REPLICATION_FACTOR = 1;
  /** Short: a minute the exchange serves late is asked for again within the cycle (Poller). */
  public static final String DEFAULT_POLL_DELAY_TEXT = "500ms";
  public static final Duration DEFAULT_POLL_DELAY =
      Durations.parse("--poll-delay", DEFAULT_POLL_DELAY_TEXT);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final String DEFAULT_VS_CURRENCY = "usd";

  public IngestConfig {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(topic, "topic");
    symbols = List.copyOf(symbols);
    if (symbols.isEmpty()) throw new IllegalArgumentException("no symbols");
    kafkaProperties = Map.copyOf(kafkaProperties);
    if (partitions < 1 || replicationFactor < 1 || weightLimit < 1 || concurrency < 1
        || maxRetries < 0) {
      throw new IllegalArgumentException("partitions, replication factor, weight limit and"
          + " concurrency must be positive, retries non-negative");
    }
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(pollDelay, "pollDelay");
    if (vsCurrency == null) vsCurrency = DEFAULT_VS_CURRENCY;
  }

  /** The public API of {@code source}: what {@code --base-url} defaults to. */
  public static String defaultBaseUrl(String source) {
    return switch (source) {
      case CoinGeckoSource.NAME -> CoinGeckoSource.DEFAULT_BASE_URL;
      case YahooSource.NAME -> YahooSource.DEFAULT_BASE_URL;
      default -> DEFAULT_BASE_URL;
    };
  }

  /**
   * The request-weight budget per minute {@code --weight-limit} defaults to: Binance's 6000;
   * CoinGecko's demo plan allows 30 calls a minute; Yahoo publishes no limit, 60 calls a minute
   * stays clear of its throttling.
   */
  public static int defaultWeightLimit(String source) {
    return switch (source) {
      case CoinGeckoSource.NAME -> 30;
      case YahooSource.NAME -> 60;
      default -> DEFAULT_WEIGHT_LIMIT;
    };
  }

  @Override
  public String toString() {
    return "IngestConfig[source=" + source + ", baseUrl=" + baseUrl + ", symbols=" + symbols
        + ", topic=" + topic + ", kafkaProperties=" + kafkaProperties.keySet()
        + ", weightLimit=" + weightLimit + ", concurrency=" + concurrency + ", stateDir="
        + stateDir + ", vsCurrency=" + vsCurrency + ", apiKey=" + (apiKey == null ? "none" : "***")
        + "]";
  }

  /**
   * Project defaults for an in-process run (the launcher's demo): Binance format at {@code
   * baseUrl}, default topic, state in memory, no progress bar.
   */
  public static IngestConfig of(String baseUrl, List<String> symbols, String bootstrapServers) {
    Map<String, String> kafka = new LinkedHashMap<>();
    kafka.put("bootstrap.servers", bootstrapServers);
    return new IngestConfig(DEFAULT_SOURCE, HttpUrl.get(baseUrl), symbols, Topics.MARKET_DATA,
        kafka, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR, DEFAULT_WEIGHT_LIMIT,
        defaultConcurrency(symbols.size()), DEFAULT_MAX_RETRIES, DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_POLL_DELAY, null, false, DEFAULT_VS_CURRENCY, null);
  }

  /** Up to four symbols at once: more only adds contention for the same weight budget. */
  public static int defaultConcurrency(int symbolCount) {
    return Math.max(1, Math.min(4, symbolCount));
  }

  public IngestConfig withTopic(String newTopic) {
    return new IngestConfig(source, baseUrl, symbols, newTopic, kafkaProperties, partitions,
        replicationFactor, weightLimit, concurrency, maxRetries, requestTimeout, pollDelay,
        stateDir, progress, vsCurrency, apiKey);
  }

  /** Client properties for the producer, {@code bootstrap.servers} among them. */
  public IngestConfig withKafkaProperties(Map<String, String> properties) {
    return new IngestConfig(source, baseUrl, symbols, topic, Map.copyOf(properties), partitions,
        replicationFactor, weightLimit, concurrency, maxRetries, requestTimeout, pollDelay,
        stateDir, progress, vsCurrency, apiKey);
  }

  public IngestConfig withStateDir(Path newStateDir) {
    return new IngestConfig(source, baseUrl, symbols, topic, kafkaProperties, partitions,
        replicationFactor, weightLimit, concurrency, maxRetries, requestTimeout, pollDelay,
        newStateDir, progress, vsCurrency, apiKey);
  }

  public IngestConfig withProgress(boolean show) {
    return new IngestConfig(source, baseUrl, symbols, topic, kafkaProperties, partitions,
        replicationFactor, weightLimit, concurrency, maxRetries, requestTimeout, pollDelay,
        stateDir, show, vsCurrency, apiKey);
  }

  public String bootstrapServers() {
    return kafkaProperties.get("bootstrap.servers");
  }
}
