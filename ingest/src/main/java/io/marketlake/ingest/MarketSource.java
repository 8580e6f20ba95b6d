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
   * ({@link #TIME_NOT_REPORTED} otherwise), and the first minute it covers ({@code servedFrom};
   * {@code Long.MIN_VALUE} for the whole range asked). Which candles are final is decided in one place,
   * {@link FinalCandles}, not by the source.
   */
  record Answer(List<MarketMessage> candles, long exchangeTime, long servedFrom) {
    public Answer {
      candles = List.copyOf(candles);
    }

    /** An answer for the whole range asked. */
    public Answer(List<MarketMessage> candles, long exchangeTime) {
      this(candles, exchangeTime, Long.MIN_VALUE);
    }

    /**
     * The same answer, covering only the minutes from {@code from} on: the exchange refused the
     * older ones for good (Yahoo's 30 days), so they are neither candles nor answered empty.
     */
    public Answer servedFrom(long from) {
      return new Answer(candles, exchangeTime, from);
    }
  }

  /**
   * The candles of {@code symbol} whose open time lies in {@code [start, end)}, oldest first, at
   * most {@link #maxCandlesPerRequest()}. Minutes the exchange has no candle for are simply absent.
   */
  Answer candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException;
}
