package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.util.List;

/**
 * One exchange API that serves 1-minute candles. Implementations apply the exchange's rate limits
 * and retries themselves; a thrown exception means this request failed for good.
 */
interface MarketSource extends ExchangeSource {
  /** {@link Answer#exchangeTime()} of an answer that does not say what time it is. */
  long TIME_NOT_REPORTED = Long.MAX_VALUE;

  /** The most minutes one request may cover; callers page by this many minutes. */
  int maxCandlesPerRequest();

  /**
   * What the exchange served for one request: its candles, oldest first, the still-forming one
   * included if it was served, and the exchange's clock when it answered, if the answer says
   * ({@link #TIME_NOT_REPORTED} otherwise). Which candles are final is decided in one place,
   * {@link FinalCandles}, not by the source.
   */
  record Answer(List<MarketMessage> candles, long exchangeTime) {
    public Answer {
      candles = List.copyOf(candles);
    }
  }

  /**
   * The candles of {@code symbol} whose open time lies in {@code [start, end)}, oldest first, at
   * most {@link #maxCandlesPerRequest()}. Minutes the exchange has no candle for are simply absent.
   */
  Answer candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException;
}
