package io.marketlake.ingest;

import java.time.Duration;
import java.util.Random;

/**
 * Bounded exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, base * 2^(n-1))}, so concurrent symbols retrying the same outage spread out
 * instead of hitting the exchange in lock-step.
 */
record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Random random) {

  static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(30), new Random());
  }

  RetryPolicy {
    if (maxRetries < 0) throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
  }

  /** The wait before retry number {@code attempt} (1-based). */
  Duration backoff(int attempt) {
    long base = baseDelay.toMillis();
    long ceiling = maxDelay.toMillis();
    long exp = attempt >= 31 ? ceiling : Math.min(ceiling, base << Math.max(0, attempt - 1));
    long half = exp / 2;
    long jitter;
    synchronized (random) {
      jitter = half == 0 ? 0 : (long) (random.nextDouble() * (exp - half + 1));
    }
    return Duration.ofMillis(half + jitter);
  }
}
