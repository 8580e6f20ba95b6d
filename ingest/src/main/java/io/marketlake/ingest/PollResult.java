package io.marketlake.ingest;

import java.time.Duration;
import java.util.Map;

/** What a poll run did, for the final summary and for tests. */
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
    Duration elapsed) {

  public PollResult {
    candlesPerSymbol = Map.copyOf(candlesPerSymbol);
  }

  public long candles() {
    return candlesPerSymbol.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The lines the CLI prints on exit. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("poll: %d cycles, %d candles in %.1f s%n", cycles, candles(),
        elapsed.toMillis() / 1000.0));
    new java.util.TreeMap<>(candlesPerSymbol).forEach((symbol, count) ->
        out.append(String.format("  %-12s %9d%n", symbol, count)));
    out.append(String.format("requests %d, used weight %d, retries %d, 429s %d, 418s %d,"
            + " malformed payloads %d, failed symbol fetches %d", requests, usedWeight, retries,
        rateLimited, bans, malformed, failedFetches));
    return out.toString();
  }
}
