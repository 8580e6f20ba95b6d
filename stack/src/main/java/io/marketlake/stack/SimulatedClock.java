package io.marketlake.stack;

import java.time.Instant;

/**
 * The simulated exchange's notion of "now", in epoch milliseconds. Candles whose close time is
 * before it are final; the candle of its minute is served as still forming; later ones do not
 * exist yet. Tests inject {@link #fixed}; demos use {@link #accelerated} so live polling can be
 * shown without waiting real minutes.
 */
@FunctionalInterface
public interface SimulatedClock {

  long nowMillis();

  /** The real clock. */
  static SimulatedClock system() {
    return System::currentTimeMillis;
  }

  /** A clock that never moves. */
  static SimulatedClock fixed(Instant now) {
    long millis = now.toEpochMilli();
    return () -> millis;
  }

  /**
   * Exchange time that starts at {@code start} (null: the real now) and runs {@code speed} times
   * faster than the real clock. Speed 1 with no start is the real clock.
   */
  static SimulatedClock accelerated(Instant start, double speed) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number, got " + speed);
    }
    if (start == null && speed == 1.0) return system();
    long realOrigin = System.currentTimeMillis();
    long exchangeOrigin = start == null ? realOrigin : start.toEpochMilli();
    // nanoTime for elapsed time: immune to wall-clock steps (NTP) while the exchange runs.
    long nanoOrigin = System.nanoTime();
    return () -> exchangeOrigin + (long) ((System.nanoTime() - nanoOrigin) / 1_000_000.0 * speed);
  }
}
