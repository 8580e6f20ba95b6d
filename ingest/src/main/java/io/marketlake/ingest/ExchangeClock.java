package io.marketlake.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * The exchange's idea of "now", learned by asking it ({@code GET /api/v3/time}), and how long a
 * local wait lasts in exchange time. The simulated exchange can run accelerated (one exchange
 * minute per real second), so the speed is measured from successive samples rather than assumed;
 * until two samples exist, waits are capped so the first estimate comes quickly. If asking fails,
 * the last sample is extrapolated, so a flaky {@code /time} never stops polling.
 */
final class ExchangeClock {
  /** Longest single wait while the exchange's speed is still unknown. */
  static final Duration PROBE_WAIT = Duration.ofSeconds(1);
  private static final long MIN_SAMPLE_GAP_MS = 200;

  /** Asks the exchange for its time. */
  @FunctionalInterface
  interface TimeSource {
    long exchangeMillis() throws IOException, InterruptedException;
  }

  private final TimeSource source;
  private final Clock local;
  private final ActivityLog log;
  private long sampleLocal = Long.MIN_VALUE;
  private long sampleExchange;
  private double speed = Double.NaN;

  ExchangeClock(TimeSource source, Clock local, ActivityLog log) {
    this.source = source;
    this.local = local;
    this.log = log;
  }

  /** The exchange's current time in epoch ms. */
  synchronized long now() throws InterruptedException {
    long localNow = local.millis();
    long exchangeNow;
    try {
      exchangeNow = source.exchangeMillis();
    } catch (IOException e) {
      if (sampleLocal == Long.MIN_VALUE) {
        log.warn("cannot read the exchange's time (" + e.getMessage() + "), using the local clock");
        return localNow;
      }
      log.warn("cannot read the exchange's time (" + e.getMessage() + "), extrapolating");
      return extrapolate(localNow);
    }
    if (sampleLocal != Long.MIN_VALUE && localNow - sampleLocal >= MIN_SAMPLE_GAP_MS) {
      double measured = (double) (exchangeNow - sampleExchange) / (localNow - sampleLocal);
      // A real exchange runs at speed 1; snap network jitter to it.
      speed = Math.abs(measured - 1) < 0.05 ? 1.0 : Math.max(0.001, measured);
    }
    if (sampleLocal == Long.MIN_VALUE || localNow - sampleLocal >= MIN_SAMPLE_GAP_MS) {
      sampleLocal = localNow;
      sampleExchange = exchangeNow;
    }
    return exchangeNow;
  }

  /** How long to wait locally until the exchange's clock reads {@code target}. */
  synchronized Duration localWaitUntil(long target, long exchangeNow) {
    long exchangeWait = Math.max(0, target - exchangeNow);
    if (Double.isNaN(speed)) return min(Duration.ofMillis(exchangeWait), PROBE_WAIT);
    return Duration.ofMillis((long) Math.ceil(exchangeWait / speed));
  }

  synchronized double speed() {
    return Double.isNaN(speed) ? 1.0 : speed;
  }

  private long extrapolate(long localNow) {
    return sampleExchange + (long) ((localNow - sampleLocal) * speed());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
