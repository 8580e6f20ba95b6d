package io.marketlake.ingest;

import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Topics;
import io.marketlake.common.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import picocli.CommandLine.Option;

/**
 * The options {@code backfill} and {@code poll} share (a picocli mixin). {@link #toConfig} is the
 * only place that turns them, and a stack's {@code stack.json}, into an {@link IngestConfig}.
 */
final class IngestOptions {
  static final List<String> SOURCES = List.of("binance", "coingecko", "yahoo");
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(names = "--source", defaultValue = IngestConfig.DEFAULT_SOURCE, paramLabel = "NAME",
      description = "API: binance (1m candles; also spoken by the simulated exchange), yahoo"
          + " (1m candles of stocks, indices, FX), coingecko (price snapshots, poll only)."
          + " Default: ${DEFAULT-VALUE}.")
  String source;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "API base URL. Precedence: this option, then (binance only) exchange_url from"
          + " --workdir's stack.json, then the source's public API: "
          + IngestConfig.DEFAULT_BASE_URL + ", " + YahooSource.DEFAULT_BASE_URL + ", "
          + CoinGeckoSource.DEFAULT_BASE_URL + ".")
  String baseUrl;

  @Option(names = "--symbols", paramLabel = "A,B", description = "Comma-separated symbols in the"
      + " source's spelling: BTCUSDT (binance), AAPL,^GSPC,EURUSD=X (yahoo), bitcoin (coingecko"
      + " ids). May be combined with --symbols-file.")
  String symbols;

  @Option(names = "--vs-currency", defaultValue = IngestConfig.DEFAULT_VS_CURRENCY,
      paramLabel = "CODE", description = "coingecko: currency of the prices, e.g. usd, eur, btc."
          + " Default: ${DEFAULT-VALUE}.")
  String vsCurrency;

  /** From the environment at the edge only; an option too, for tests and one-off runs. */
  @Option(names = "--coingecko-api-key", paramLabel = "KEY", hidden = true,
      defaultValue = "${env:COINGECKO_API_KEY}", description = "coingecko: demo API key, sent as"
          + " x-cg-demo-api-key. Default: the environment variable COINGECKO_API_KEY (prefer it:"
          + " command lines are visible to other users).")
  String coinGeckoApiKey;

  @Option(names = "--symbols-file", paramLabel = "FILE",
      description = "File with one symbol per line; '#' starts a comment, blank lines are ignored.")
  Path symbolsFile;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers. Precedence: this option, then bootstrap.servers from"
          + " --kafka-property, then from --kafka-config, then --workdir's stack.json, then "
          + DEFAULT_BOOTSTRAP + ".")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", description = "Kafka topic. Precedence: this"
      + " option, then --workdir's stack.json, then " + Topics.MARKET_DATA + ".")
  String topic;

  @Option(names = "--workdir", paramLabel = "DIR", description = "Work directory of a running"
      + " local stack: Kafka bootstrap, topic and exchange URL are read from DIR/stack.json;"
      + " explicit options win over it.")
  Path workdir;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Where resume points are kept."
      + " Default: DIR/ingest-state with --workdir, else ~/.marketlake/ingest-state.")
  Path stateDir;

  @Option(names = "--weight-limit", paramLabel = "N", description = "The API's request-weight"
      + " limit per minute; requests are paced to stay below 90% of it. Default: 6000 (binance),"
      + " 60 (yahoo, one per request), 30 (coingecko demo plan).")
  Integer weightLimit;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "Symbols fetched at once by backfill. Default: up to 4.")
  Integer concurrency;

  @Option(names = "--max-retries", defaultValue = "" + IngestConfig.DEFAULT_MAX_RETRIES,
      paramLabel = "N", description = "Retries of one request on 5xx, timeouts and connection"
          + " errors before the symbol fails. Default: ${DEFAULT-VALUE}.")
  int maxRetries;

  @Option(names = "--request-timeout", defaultValue = "10s", paramLabel = "DURATION",
      description = "Read timeout of one request, e.g. 10s. Default: ${DEFAULT-VALUE}.")
  String requestTimeout;

  @Option(names = "--partitions", defaultValue = "" + IngestConfig.DEFAULT_PARTITIONS,
      paramLabel = "N", description = "Partitions if the topic is created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
      description = "Replication factor if the topic is created. Default: ${DEFAULT-VALUE}.")
  short replicationFactor;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Any Kafka producer"
      + " or admin client property, e.g. security.protocol=SASL_SSL (repeatable; wins over"
      + " --kafka-config).")
  List<String> kafkaProperties = new ArrayList<>();

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Java properties file of Kafka client settings (e.g. for MSK, Confluent Cloud).")
  Path kafkaConfig;

  /** Validates every option, reads {@code stack.json} if asked, and builds the config. */
  IngestConfig toConfig(Duration pollDelay, boolean progress) {
    if (!SOURCES.contains(source)) {
      throw new UsageException(IngestErrors.unknownSource(source, SOURCES));
    }
    List<String> symbolList = SymbolList.resolve(SymbolList.rule(source), symbols, symbolsFile);
    String vs = vsCurrency.trim().toLowerCase(java.util.Locale.ROOT);
    if (!vs.matches("[a-z]{2,10}")) throw new UsageException(IngestErrors.badVsCurrency(vsCurrency));
    int limit = weightLimit != null ? weightLimit : IngestConfig.defaultWeightLimit(source);
    Map<String, String> kafka = new LinkedHashMap<>();
    if (kafkaConfig != null) kafka.putAll(KafkaClientProperties.load(kafkaConfig));
    kafka.putAll(KafkaClientProperties.parsePairs(kafkaProperties));
    positive("--weight-limit", limit);
    positive("--partitions", partitions);
    positive("--replication-factor", replicationFactor);
    if (concurrency != null) positive("--concurrency", concurrency);
    if (maxRetries < 0) {
      throw new UsageException(IngestErrors.mustBePositive("--max-retries", maxRetries));
    }
    Duration timeout = TimeArgs.duration("--request-timeout", requestTimeout);

    StackEndpoints stack = workdir == null ? null : StackEndpoints.read(workdir);
    // --kafka-property and --kafka-config count as explicit: they are the user's own settings.
    String explicit = bootstrapServers != null ? bootstrapServers : kafka.get("bootstrap.servers");
    kafka.put("bootstrap.servers", StackEndpoints.pick(explicit, stack,
        StackEndpoints::kafkaBootstrap, DEFAULT_BOOTSTRAP));
    String resolvedTopic = StackEndpoints.pick(topic, stack, StackEndpoints::topic,
        Topics.MARKET_DATA);
    // The stack's simulated exchange speaks Binance's API only.
    boolean binance = IngestConfig.DEFAULT_SOURCE.equals(source);
    String url = StackEndpoints.pick(baseUrl, binance ? stack : null,
        StackEndpoints::exchangeUrl, IngestConfig.defaultBaseUrl(source));
    HttpUrl parsedUrl = HttpUrl.parse(url);
    if (parsedUrl == null) throw new UsageException(IngestErrors.badBaseUrl(url));
    Path state = stateDir != null ? stateDir
        : workdir != null ? workdir.resolve("ingest-state")
        : Path.of(System.getProperty("user.home"), ".marketlake", "ingest-state");
    return new IngestConfig(source, parsedUrl, symbolList, resolvedTopic, kafka, partitions,
        replicationFactor, limit,
        concurrency != null ? concurrency : IngestConfig.defaultConcurrency(symbolList.size()),
        maxRetries, timeout, pollDelay, state, progress, vs,
        coinGeckoApiKey == null || coinGeckoApiKey.isBlank() ? null : coinGeckoApiKey.trim());
  }

  private static void positive(String option, long value) {
    if (value < 1) throw new UsageException(IngestErrors.mustBePositive(option, value));
  }
}
