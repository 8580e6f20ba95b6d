package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.util.List;

/**
 * One exchange API that serves closed 1-minute candles. Implementations apply the exchange's rate
 * limits and retries themselves; a thrown exception means this request failed for good.
 */
interface MarketSource extends ExchangeSource {
  /** The most minutes one request may cover; callers page by this many minutes. */
  int maxCandlesPerRequest();

  /**
   * The closed candles of {@code symbol} whose open time lies in {@code [start, end)}, oldest
   * first, at most {@link #maxCandlesPerRequest()}. Minutes the exchange has no candle for are
   * simply absent.
   */
  List<MarketMessage> candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException;
}
