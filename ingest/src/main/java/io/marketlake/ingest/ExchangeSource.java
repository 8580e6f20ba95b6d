package io.marketlake.ingest;

import java.io.IOException;

/**
 * One market-data API, with its rate limits and retries applied inside. Candle APIs (Binance,
 * Yahoo) are {@link MarketSource}s; price-snapshot APIs (CoinGecko) are {@link SnapshotSource}s.
 */
interface ExchangeSource {
  /** The {@code source} field and Kafka header of every message, e.g. {@code binance}. */
  String name();

  /**
   * The source's current time in epoch ms (accelerated when the exchange is simulated); sources
   * without a time endpoint answer with the local clock.
   */
  long serverTimeMillis() throws IOException, InterruptedException;

  /** Counters for this source's requests. */
  IngestStats stats();

  /** The weight budget pacing this source, for log lines and summaries. */
  WeightBudget budget();
}
