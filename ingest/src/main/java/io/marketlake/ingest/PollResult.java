package io.marketlake.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a poll run did, for the final summary and for tests. {@code until} is the run's {@code
 * --until} (null without one); {@code nextMinutes} holds, per candle symbol, the next minute its
 * poller would ask for: every minute from its start up to that one was answered.
 */
public record PollResult(
    long cycles,
    Map<String, Long> candlesPerSymbol,
    long failedFetches,
    long requests,
    long usedWeight,
    long retries,
    long rateLimited,
    long bans,
    long malformed,
    Duration elapsed,
    Instant until,
    Map<String, Long> nextMinutes) {

  public PollResult {
    candlesPerSymbol = Map.copyOf(candlesPerSymbol);
    nextMinutes = Map.copyOf(nextMinutes);
  }

  public long candles() {
    return candlesPerSymbol.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The symbols that stopped before {@code until}, with their next minute; sorted. */
  public Map<String, Instant> shortOfUntil() {
    Map<String, Instant> out = new TreeMap<>();
    if (until == null) return out;
    long untilMs = CandleTransfer.ceilMinute(until.toEpochMilli());
    nextMinutes.forEach((symbol, next) -> {
      if (next < untilMs) out.put(symbol, Instant.ofEpochMilli(next));
    });
    return out;
  }

  /** One line naming the symbols short of {@code until} and where each got to; null if none. */
  public String shortOfUntilLine() {
    Map<String, Instant> shortOf = shortOfUntil();
    if (shortOf.isEmpty()) return null;
    StringBuilder symbols = new StringBuilder();
    shortOf.forEach((symbol, next) -> symbols.append(symbols.isEmpty() ? "" : ", ")
        .append(symbol).append(" has every minute before ").append(next));
    return "poll stopped short of --until " + until + " for " + shortOf.size() + " of "
        + nextMinutes.size() + " symbols: " + symbols + " (the log above says why; run poll"
        + " again to continue from there)";
  }

  /** The lines the CLI prints on exit. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("poll: %d cycles, %d candles in %.1f s%n", cycles, candles(),
        elapsed.toMillis() / 1000.0));
    new TreeMap<>(candlesPerSymbol).forEach((symbol, count) ->
        out.append(String.format("  %-12s %9d%n", symbol, count)));
    out.append(String.format("requests %d, used weight %d, retries %d, 429s %d, 418s %d,"
            + " malformed payloads %d, failed symbol fetches %d", requests, usedWeight, retries,
        rateLimited, bans, malformed, failedFetches));
    return out.toString();
  }
}
