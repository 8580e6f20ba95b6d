package io.marketlake.stack;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * One 1-minute candle as the exchange serves it. Decimal fields are kept as strings so a replayed
 * dump is served byte for byte as it was recorded.
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

  /**
   * This candle as it stands {@code elapsedMs} (0 to 59 999) into its minute, as Binance serves
   * the still-forming kline: the open is fixed; the close has moved the elapsed fraction of the
   * way from the open to the final close; high and low reach out beyond open and close by that
   * fraction of their final reach; volumes and trades are that fraction of the final ones. The
   * close time stays the minute's end, in the future. Deterministic, so a test can tell the
   * forming candle from the final one (which it equals only at the minute's very end).
   */
  Candle formingAt(long elapsedMs) {
    BigDecimal share = BigDecimal.valueOf(elapsedMs).divide(BigDecimal.valueOf(MINUTE),
        MathContext.DECIMAL64);
    BigDecimal o = new BigDecimal(open);
    BigDecimal finalClose = new BigDecimal(close);
    BigDecimal c = o.add(finalClose.subtract(o).multiply(share));
    BigDecimal highReach = new BigDecimal(high).subtract(o.max(finalClose));
    BigDecimal lowReach = o.min(finalClose).subtract(new BigDecimal(low));
    BigDecimal h = o.max(c).add(highReach.multiply(share));
    BigDecimal l = o.min(c).subtract(lowReach.multiply(share));
    return new Candle(openTime, open, like(h, high), like(l, low), like(c, close),
        scaled(volume, share), scaled(quoteVolume, share), trades * elapsedMs / MINUTE,
        scaled(takerBuyVolume, share), scaled(takerBuyQuoteVolume, share));
  }

  private static String scaled(String value, BigDecimal share) {
    return like(new BigDecimal(value).multiply(share), value);
  }

  /** {@code value} with as many decimals as {@code pattern} has. */
  private static String like(BigDecimal value, String pattern) {
    return value.setScale(new BigDecimal(pattern).scale(), RoundingMode.HALF_UP).toPlainString();
  }
}
