package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.util.List;

/**
 * Moves one page of candles for one symbol from the exchange to Kafka: fetch, publish, wait for
 * the acknowledgements, then raise the symbol's published mark. Used by backfill and poll alike.
 */
final class CandleTransfer {
  static final long MINUTE_MS = 60_000;

  private final MarketSource source;
  private final MarketPublisher publisher;
  private final IngestState state;

  CandleTransfer(MarketSource source, MarketPublisher publisher, IngestState state) {
    this.source = source;
    this.publisher = publisher;
    this.state = state;
  }

  /**
   * What one page moved. {@code lastOpenTime} is -1 when the page was empty. {@code windowEnd}
   * is where the next page starts: the end asked for, or the first candle that was not final.
   */
  record Page(long windowEnd, int candles, long lastOpenTime) {}

  /** Pages of at most {@link MarketSource#maxCandlesPerRequest()} minutes start at {@code start}. */
  long pageEnd(long start, long end) {
    return Math.min(end, start + source.maxCandlesPerRequest() * MINUTE_MS);
  }

  Page transfer(String symbol, long start, long end)
      throws IOException, InterruptedException, MarketPublisher.PublishException {
    long windowEnd = pageEnd(start, end);
    MarketSource.Answer answer = source.candles(symbol, start, windowEnd);
    FinalCandles.Split split =
        FinalCandles.split(answer.candles(), windowEnd, answer.exchangeTime());
    windowEnd = split.finalEnd();
    List<MarketMessage> candles = split.closed();
    if (candles.isEmpty()) return new Page(windowEnd, 0, -1);
    publisher.publish(candles);
    long last = candles.get(candles.size() - 1).openTime();
    state.published(symbol, last);
    source.stats().published(symbol, candles.size());
    return new Page(windowEnd, candles.size(), last);
  }

  static long floorMinute(long epochMs) {
    return Math.floorDiv(epochMs, MINUTE_MS) * MINUTE_MS;
  }

  static long ceilMinute(long epochMs) {
    return -Math.floorDiv(-epochMs, MINUTE_MS) * MINUTE_MS;
  }
}
