package io.marketlake.stack;

import java.util.List;

/** Where the exchange's 1-minute candles come from: a seeded random path or a replayed dump. */
interface CandleSource {

  /**
   * Candles with {@code fromOpen <= openTime <= toOpen}, ascending, at most {@code limit}, starting
   * from the earliest, each as it is once closed. Both bounds are minute-aligned; the caller has
   * already capped {@code toOpen} at the current minute and serves that one as still forming.
   */
  List<Candle> candles(String symbol, long fromOpen, long toOpen, int limit);
}
