package io.marketlake.ingest;

import java.time.Duration;
import java.util.Map;

/**
 * What a backfill did. {@code failedSymbols} maps a symbol to the reason it stopped early (the
 * others still ran); {@code stopped} is true when it was interrupted (Ctrl-C, SIGTERM) and can be
 * resumed by running the same range again.
 */
public record BackfillResult(
    Map<String, Long> candlesPerSymbol,
    Map<String, String> failedSymbols,
    long requests,
    long usedWeight,
    int peakWeightPerMinute,
    int weightLimit,
    int minutesUsed,
    long retries,
    long rateLimited,
    long bans,
    long malformed,
    Duration elapsed,
    boolean stopped) {

  public BackfillResult {
    candlesPerSymbol = Map.copyOf(candlesPerSymbol);
    failedSymbols = Map.copyOf(failedSymbols);
  }

  public long candles() {
    return candlesPerSymbol.values().stream().mapToLong(Long::longValue).sum();
  }

  public boolean succeeded() {
    return failedSymbols.isEmpty() && !stopped;
  }

  /**
   * The share of the weight budget of the minutes (budget windows) the run sent requests in,
   * counting its partial first and last minute: never above 1, and about 0.9 for a long paced run.
   */
  public double budgetUse() {
    return minutesUsed == 0 ? 0 : (double) usedWeight / ((long) minutesUsed * weightLimit);
  }

  /** The lines the CLI prints at the end. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("backfill %s: %d candles in %.1f s%n",
        stopped ? "stopped (run the same command again to resume)" : "done", candles(),
        elapsed.toMillis() / 1000.0));
    new java.util.TreeMap<>(candlesPerSymbol).forEach((symbol, count) -> out.append(
        String.format("  %-12s %9d%s%n", symbol, count,
            failedSymbols.containsKey(symbol) ? "  FAILED: " + failedSymbols.get(symbol) : "")));
    out.append(String.format("requests %d, used weight %d (peak %d of %d per minute; %.0f%% of the"
            + " budget of the %d minutes it ran in), retries %d, 429s %d, 418s %d, malformed"
            + " payloads %d", requests, usedWeight, peakWeightPerMinute, weightLimit,
        100 * budgetUse(), minutesUsed, retries, rateLimited, bans, malformed));
    return out.toString();
  }
}
