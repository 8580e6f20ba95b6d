package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves one page of 1m candles for one symbol from the exchange to Kafka: fetch, publish, wait for
 * the acknowledgements. Used by backfill and poll alike; each keeps its own resume point from the
 * returned {@link Page}.
 *
 * <p>Minutes the exchange answered as empty are published as {@code no_candles} ranges, so the
 * ledger can tell "the exchange had none" from "never fetched": every closed minute before the
 * answer's last candle that has no candle, and the minutes after it (a whole page when it is
 * empty) only when the page's window ends before the exchange's last closed minute. The newest
 * minutes may simply not be served yet (the exchange is late); they are asked for again.
 */
final class CandleTransfer {
  static final long MINUTE_MS = 60_000;
  static final String INTERVAL = "1m";

  /** The exchange's current minute boundary: every minute that opened before it has closed. */
  @FunctionalInterface
  interface ClosedBoundary {
    long closedBefore() throws IOException, InterruptedException;
  }

  private final MarketSource source;
  private final MarketPublisher publisher;
  private final String writer;
  private final Clock clock;

  CandleTransfer(MarketSource source, MarketPublisher publisher, String writer, Clock clock) {
    this.source = source;
    this.publisher = publisher;
    this.writer = writer;
    this.clock = clock;
  }

  /**
   * What one page moved. {@code windowEnd} is where the next page starts: the end asked for, or
   * the first candle that was not final yet. Every minute of {@code [start, coveredEnd)} was
   * answered (a candle or a {@code no_candles} range) and published, or refused by the exchange
   * for good ({@link MarketSource.Answer#servedFrom}); {@code coveredEnd <
   * windowEnd} when the newest minutes of the window are not served yet.
   */
  record Page(long windowEnd, int candles, int emptyRanges, long coveredEnd) {}

  /** Pages of at most {@link MarketSource#maxCandlesPerRequest()} minutes from {@code start}. */
  long pageEnd(long start, long end) {
    return Math.min(end, start + source.maxCandlesPerRequest() * MINUTE_MS);
  }

  /**
   * Fetches and publishes the page starting at {@code start} (a minute boundary). {@code closed}
   * is asked only when the answer ends before the window does.
   */
  Page transfer(String symbol, long start, long end, ClosedBoundary closed)
      throws IOException, InterruptedException, MarketPublisher.PublishException {
    long windowEnd = pageEnd(start, end);
    MarketSource.Answer answer = source.candles(symbol, start, windowEnd);
    // Only final candles leave ingest: the page ends at the first one still forming.
    FinalCandles.Split split =
        FinalCandles.split(answer.candles(), windowEnd, answer.exchangeTime());
    windowEnd = split.finalEnd();
    List<MarketMessage> candles = split.closed();
    List<MarketMessage> messages = new ArrayList<>(candles.size() + 2);
    int emptyRanges = 0;
    // Minutes before what the exchange served are passed over, not answered empty: they stay
    // missing in the ledger (Yahoo's too-old minutes).
    long answeredTo = Math.max(start, answer.servedFrom());
    for (MarketMessage candle : candles) {
      if (candle.openTime() > answeredTo) {
        messages.add(noCandles(symbol, answeredTo, candle.openTime()));
        emptyRanges++;
      }
      messages.add(candle);
      answeredTo = Math.max(answeredTo, candle.openTime() + MINUTE_MS);
    }
    if (answeredTo < windowEnd && windowEnd < closed.closedBefore()) {
      messages.add(noCandles(symbol, answeredTo, windowEnd));
      emptyRanges++;
      answeredTo = windowEnd;
    }
    publisher.publish(messages, writer);
    if (!candles.isEmpty()) source.stats().published(symbol, candles.size());
    return new Page(windowEnd, candles.size(), emptyRanges, answeredTo);
  }

  private MarketMessage noCandles(String symbol, long startInclusive, long endExclusive) {
    return MarketMessage.noCandles(source.name(), symbol, INTERVAL, startInclusive, endExclusive,
        clock.millis());
  }

  static long floorMinute(long epochMs) {
    return Math.floorDiv(epochMs, MINUTE_MS) * MINUTE_MS;
  }

  static long ceilMinute(long epochMs) {
    return -Math.floorDiv(-epochMs, MINUTE_MS) * MINUTE_MS;
  }
}
