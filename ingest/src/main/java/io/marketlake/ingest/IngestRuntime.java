package io.marketlake.ingest;

import io.marketlake.common.Reachability;
import java.time.Clock;
import java.util.Random;
import okhttp3.OkHttpClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The real collaborators for one run, built from an {@link IngestConfig}: one {@link OkHttpClient},
 * the source with its weight budget, the topic (created if missing), one idempotent producer and
 * the resume state. Closing it flushes and closes the producer and releases the HTTP client.
 */
final class IngestRuntime implements AutoCloseable {
  final ExchangeSource source;
  final MarketPublisher publisher;
  final IngestState state;
  final ActivityLog log;
  final Clock clock;
  final Sleeper sleeper;
  private final OkHttpClient http;

  IngestRuntime(ExchangeSource source, MarketPublisher publisher, IngestState state, ActivityLog log,
      Clock clock, Sleeper sleeper, OkHttpClient http) {
    this.source = source;
    this.publisher = publisher;
    this.state = state;
    this.log = log;
    this.clock = clock;
    this.sleeper = sleeper;
    this.http = http;
  }

  /** What an in-process entry point does with an open runtime. */
  interface Work<T> {
    T run(IngestRuntime runtime) throws InterruptedException;
  }

  /**
   * For the in-process entry points ({@link Backfill#run}, {@link Poller#run}: the demo, the
   * benchmarks, tests): opens a runtime whose log goes to stderr, runs {@code work}, closes it.
   */
  static <T> T withStderrLog(IngestConfig config, Work<T> work) throws InterruptedException {
    ActivityLog log = new ActivityLog(new java.io.PrintWriter(System.err, true),
        Clock.systemUTC());
    try (IngestRuntime runtime = open(config, log)) {
      return work.run(runtime);
    }
  }

  /** Connects to the exchange and Kafka as configured; creates the topic if it is missing. */
  static IngestRuntime open(IngestConfig config, ActivityLog log) throws InterruptedException {
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    // Nothing listening at all is a wrong address, not an outage to ride out: say so in seconds,
    // not after the admin client's timeout.
    Reachability.requireKafka(config.bootstrapServers(), "--bootstrap-servers");
    if (TopicCreator.ensure(KafkaClientProperties.admin(config.kafkaProperties()), config.topic(),
        config.partitions(), config.replicationFactor())) {
      log.info("created topic " + config.topic() + " (" + config.partitions() + " partitions,"
          + " replication factor " + config.replicationFactor() + ")");
    }
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClientProperties.producer(config.kafkaProperties()));
    OkHttpClient http = ExchangeHttp.newClient(config.requestTimeout());
    ExchangeSource source = source(config, http, clock, sleeper, log);
    IngestState state = config.stateDir() == null ? IngestState.inMemory()
        : IngestState.under(config.stateDir(), config.source(), config.topic());
    return new IngestRuntime(source, new MarketPublisher(producer, config.topic()), state, log,
        clock, sleeper, http);
  }

  /** The configured source, talking through {@code http}. */
  static ExchangeSource source(IngestConfig config, OkHttpClient http, Clock clock,
      Sleeper sleeper, ActivityLog log) {
    IngestStats stats = new IngestStats();
    WeightBudget budget = WeightBudget.binance(config.weightLimit(), clock, sleeper);
    RetryPolicy retry = new RetryPolicy(config.maxRetries(), RetryPolicy.defaults().baseDelay(),
        RetryPolicy.defaults().maxDelay(), new Random());
    ExchangeHttp exchange = new ExchangeHttp(http, budget, retry, clock, sleeper, stats, log);
    return switch (config.source()) {
      case BinanceSource.NAME -> new BinanceSource(config.baseUrl(), exchange, stats, clock);
      case YahooSource.NAME -> new YahooSource(config.baseUrl(), exchange, stats, clock, log);
      case CoinGeckoSource.NAME -> new CoinGeckoSource(config.baseUrl(), config.vsCurrency(),
          config.apiKey(), exchange, stats, clock, log);
      default -> throw new IllegalArgumentException("unknown source " + config.source());
    };
  }

  /** The source as a candle source; backfill checks this at its command line first. */
  MarketSource candleSource() {
    if (source instanceof MarketSource candles) return candles;
    throw new IllegalStateException(IngestErrors.noHistory(source.name()));
  }

  @Override
  public void close() {
    try {
      publisher.close();
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}
