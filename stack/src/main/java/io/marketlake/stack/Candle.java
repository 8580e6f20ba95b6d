package io.marketlake.stack;

/**
 * One closed 1-minute candle as the exchange serves it. Decimal fields are kept as strings so a
 * replayed dump is served byte for byte as it was recorded.
 */
record Candle(
    long openTime,
    String open,
    String high,
    String low,
    String close,
    String volume,
    String quoteVolume,
    long trades,
    String takerBuyVolume,
    String takerBuyQuoteVolume) {

  static final long MINUTE = 60_000L;

  long closeTime() {
    return openTime + MINUTE - 1;
  }
}
