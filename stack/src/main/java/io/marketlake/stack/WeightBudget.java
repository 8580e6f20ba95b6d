package io.marketlake.stack;

import java.util.function.LongSupplier;

/**
 * Binance's request-weight limit: a budget per real clock minute (Binance counts per IP per
 * minute). Always the wall clock, never the accelerated exchange clock, because clients pace
 * themselves in real time.
 */
final class WeightBudget {
  private final int limit;
  private final LongSupplier wallClock;
  private long minute = Long.MIN_VALUE;
  private int used;

  WeightBudget(int limit, LongSupplier wallClock) {
    this.limit = limit;
    this.wallClock = wallClock;
  }

  /** The outcome of asking for weight: allowed or not, the minute's weight, seconds to wait. */
  record Outcome(boolean allowed, int used, long retryAfterSeconds) {}

  /** Charges {@code weight} if it fits in the current minute; a refused request costs nothing. */
  synchronized Outcome acquire(int weight) {
    long now = wallClock.getAsLong();
    roll(now);
    if (used + weight > limit) {
      long msLeft = (minute + 1) * 60_000L - now;
      return new Outcome(false, used, Math.max(1, (msLeft + 999) / 1000));
    }
    used += weight;
    return new Outcome(true, used, 0);
  }

  synchronized int used() {
    roll(wallClock.getAsLong());
    return used;
  }

  int limit() {
    return limit;
  }

  private void roll(long now) {
    long current = Math.floorDiv(now, 60_000L);
    if (current != minute) {
      minute = current;
      used = 0;
    }
  }
}
