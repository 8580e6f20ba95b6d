package io.marketlake.stack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Binance's request-weight limit: a budget per fixed real-time window (Binance: one clock minute
 * per IP). Always the wall clock, never the accelerated exchange clock, because clients pace
 * themselves in real time. Remembers the weight charged in each of the last windows, so a
 * benchmark can tell how much of the budget a client used.
 */
final class WeightLimit {
  /** Windows remembered for {@link #history()}: a day of Binance minutes. */
  private static final int HISTORY = 1440;

  private final int limit;
  private final long windowMs;
  private final LongSupplier wallClock;
  private final Map<Long, Integer> history = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
      return size() > HISTORY;
    }
  };
  private long window = Long.MIN_VALUE;
  private int used;

  WeightLimit(int limit, LongSupplier wallClock) {
    this(limit, 60_000L, wallClock);
  }

  WeightLimit(int limit, long windowMs, LongSupplier wallClock) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.wallClock = wallClock;
  }

  /** The outcome of asking for weight: allowed or not, the window's weight, seconds to wait. */
  record Outcome(boolean allowed, int used, long retryAfterSeconds) {}

  /** Charges {@code weight} if it fits in the current window; a refused request costs nothing. */
  synchronized Outcome acquire(int weight) {
    long now = wallClock.getAsLong();
    roll(now);
    if (used + weight > limit) {
      long msLeft = (window + 1) * windowMs - now;
      return new Outcome(false, used, Math.max(1, (msLeft + 999) / 1000));
    }
    used += weight;
    history.put(window, used);
    return new Outcome(true, used, 0);
  }

  synchronized int used() {
    roll(wallClock.getAsLong());
    return used;
  }

  int limit() {
    return limit;
  }

  long windowMs() {
    return windowMs;
  }

  /** Weight per window (window start in epoch ms → weight), oldest first, no empty ones. */
  synchronized Map<Long, Integer> history() {
    Map<Long, Integer> out = new LinkedHashMap<>();
    history.forEach((w, weight) -> out.put(w * windowMs, weight));
    return out;
  }

  private void roll(long now) {
    long current = Math.floorDiv(now, windowMs);
    if (current != window) {
      window = current;
      used = 0;
    }
  }
}
