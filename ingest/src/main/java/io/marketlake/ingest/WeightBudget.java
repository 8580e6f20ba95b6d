package io.marketlake.ingest;

import java.time.Clock;
import java.time.Duration;

/**
 * Paces requests against an exchange's per-minute request-weight limit (Binance: 6000 per minute,
 * counted in fixed windows that start at each minute, reported back in {@code X-MBX-USED-WEIGHT-1M}).
 *
 * <p>Each request reserves its weight before it is sent. Once the reservations in the current
 * minute reach {@code limit * targetFraction}, callers wait for the next window. The target stays
 * below the limit so that in-flight requests, clock skew and other clients of the same IP never
 * push the exchange's count over the limit (a 429), while a backfill still uses ~90% of it. The
 * header is authoritative: when it reports more weight than we reserved (another process on the
 * same IP), we adopt it.
 */
final class WeightBudget {
  static final long WINDOW_MS = 60_000;
  /** Waiting a little past the minute absorbs small clock differences with the exchange. */
  static final long WINDOW_SLACK_MS = 1_000;

  private final int limit;
  private final int target;
  private final long windowMs;
  private final long slackMs;
  private final Clock clock;
  private final Sleeper sleeper;

  private long window = Long.MIN_VALUE;
  private int used;
  private int peak;
  /** Windows in which any weight was reserved. */
  private int windowsUsed;

  WeightBudget(int limit, double targetFraction, Clock clock, Sleeper sleeper) {
    this(limit, targetFraction, WINDOW_MS, clock, sleeper);
  }

  /**
   * With a window other than Binance's minute: only for benchmarks against a simulated exchange
   * configured with the same window, so that pacing over many windows takes seconds.
   */
  WeightBudget(int limit, double targetFraction, long windowMs, Clock clock, Sleeper sleeper) {
    if (limit <= 0) throw new IllegalArgumentException("weight limit must be positive: " + limit);
    if (windowMs <= 0) throw new IllegalArgumentException("window must be positive: " + windowMs);
    this.limit = limit;
    this.windowMs = windowMs;
    this.slackMs = Math.min(WINDOW_SLACK_MS, windowMs / 60);
    this.target = Math.max(1, (int) Math.floor(limit * targetFraction));
    this.clock = clock;
    this.sleeper = sleeper;
  }

  static WeightBudget binance(int limit, Clock clock, Sleeper sleeper) {
    return new WeightBudget(limit, 0.9, clock, sleeper);
  }

  int limit() {
    return limit;
  }

  int target() {
    return target;
  }

  long windowMs() {
    return windowMs;
  }

  /**
   * Blocks until {@code weight} fits in the current minute, then reserves it.
   *
   * @return the window (epoch minute) the reservation was made in, for {@link #observe}
   */
  long acquire(int weight) throws InterruptedException {
    while (true) {
      long waitMs;
      synchronized (this) {
        long now = clock.millis();
        roll(now);
        if (used + weight <= target || used == 0) {
          if (used == 0) windowsUsed++;
          used += weight;
          peak = Math.max(peak, used);
          return window;
        }
        waitMs = (window + 1) * windowMs + slackMs - now;
      }
      sleeper.sleep(Duration.ofMillis(Math.max(1, waitMs)));
    }
  }

  /** Adopts the exchange's count for the window in which the request was sent, if higher. */
  synchronized void observe(long sentInWindow, int usedWeightHeader) {
    roll(clock.millis());
    if (sentInWindow == window && usedWeightHeader > used) {
      used = usedWeightHeader;
      peak = Math.max(peak, used);
    }
  }

  /** After a 429 the exchange's window is full, whatever we counted. */
  synchronized void exhaust() {
    roll(clock.millis());
    used = Math.max(used, target);
  }

  synchronized int usedInWindow() {
    roll(clock.millis());
    return used;
  }

  /** How many windows (minutes) saw any reservation so far. */
  synchronized int windowsUsed() {
    return windowsUsed;
  }

  /** The highest weight seen in any one window so far. */
  synchronized int peak() {
    return peak;
  }

  private void roll(long now) {
    // Windows are measured from the slack past each minute; see the class comment.
    long current = Math.floorDiv(now - slackMs, windowMs);
    if (current != window) {
      window = current;
      used = 0;
    }
  }
}
