package io.marketlake.common;

/** Kafka topic defaults shared by the producer (ingest) and the consumer (bronze). */
public final class Topics {
  public static final String MARKET_DATA = "marketlake.market-data";

  private Topics() {}
}
