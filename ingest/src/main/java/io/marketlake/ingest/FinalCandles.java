package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for what may leave ingest: a candle is final once the exchange's clock is past its
 * close time ({@code close_time < exchange now}). Before that it is still forming (Binance serves
 * it with the values so far) and publishing it would keep a partial candle as if it were final.
 *
 * <p>Every candle goes through {@link CandleTransfer}, which applies {@link #split} to each
 * answer; backfill and poll ask only up to {@link #closedEnd} of the exchange's clock, so the
 * cursor they keep never passes a minute that was not final when it was fetched.
 */
final class FinalCandles {
  private FinalCandles() {}

  /**
   * The end (exclusive, an open time) of the minutes that are final at exchange time {@code
   * exchangeNow}: the candle opening at {@code t} closes at {@code t + 59 999}, which is before
   * {@code exchangeNow} exactly when {@code t < floorMinute(exchangeNow)}.
   */
  static long closedEnd(long exchangeNow) {
    return CandleTransfer.floorMinute(exchangeNow);
  }

  /**
   * The final candles of one answer and how far the answer is final: {@code finalEnd} is the
   * open time of the first candle that is not final yet (nothing at or after it is taken, and a
   * cursor must not pass it), or {@code end} when every candle is final.
   */
  record Split(List<MarketMessage> closed, long finalEnd) {}

  /**
   * Splits {@code candles} (oldest first, open times in {@code [start, end)}) at the first one
   * whose close time is not before {@code exchangeTime}, the exchange's clock as the answer
   * reports it (or {@code end} when the answer reports none: the caller asked only up to the
   * exchange's closed minute).
   */
  static Split split(List<MarketMessage> candles, long end, long exchangeTime) {
    long asOf = Math.min(end, exchangeTime);
    List<MarketMessage> closed = new ArrayList<>(candles.size());
    for (MarketMessage candle : candles) {
      if (candle.closeTime() >= asOf) return new Split(closed, candle.openTime());
      closed.add(candle);
    }
    return new Split(closed, end);
  }
}
