package io.marketlake.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/**
 * The exchange's idea of "now", learned by asking it ({@code GET /api/v3/time}), and how long a
 * local wait lasts in exchange time. The simulated exchange can run accelerated (one exchange
 * minute per real second), so the speed is measured from successive samples rather than assumed;
 * until two samples exist, waits are capped so the first estimate comes quickly.
 *
 * <p>{@link #now()} only ever returns a time the exchange itself reported. If asking fails it asks
 * again, with a warning per failure and a growing pause (up to {@link #MAX_RETRY_PAUSE}), until it
 * gets an answer or is stopped. It never falls back to the local clock, nor extrapolates an
 * earlier sample: the local clock may be ahead of the exchange's, and a measured speed may be off
 * (an accelerated exchange that was paused), so either guess could call a forming candle closed
 * ({@link FinalCandles}). A slow {@code /time} costs latency, never a wrong candle.
 *
 * <p>The speed is measured over at least {@link #MIN_SAMPLE_GAP_MS} of local time, and a wait
 * toward an exchange time is slept in steps of at most {@link #MAX_SLEEP} ({@link #sleepUntil}),
 * asking the exchange again after each: one answer that reached a busy JVM late (a GC pause, two
 * cores shared with Spark) makes a short baseline read a tenth of the real speed, and an
 * uncapped sleep on that estimate stalled a poller at 10× for eight minutes.
 */
final class ExchangeClock {
  /** Longest single wait while the exchange's speed is still unknown. */
  static final Duration PROBE_WAIT = Duration.ofSeconds(1);
  static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);
  static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(10);
  static final long MIN_SAMPLE_GAP_MS = 1_000;
  /** Longest single sleep toward an exchange time before asking the exchange again. */
  static final Duration MAX_SLEEP = Duration.ofSeconds(2);

  /** Asks the exchange for its time. */
  @FunctionalInterface
  interface TimeSource {
    long exchangeMillis() throws IOException, InterruptedException;
  }

  private final TimeSource source;
  private final Clock local;
  private final Sleeper sleeper;
  private final ActivityLog log;
  private volatile boolean stopped;
  private long sampleLocal = Long.MIN_VALUE;
  private long sampleExchange;
  private double speed = Double.NaN;

  ExchangeClock(TimeSource source, Clock local, Sleeper sleeper, ActivityLog log) {
    this.source = source;
    this.local = local;
    this.sleeper = sleeper;
    this.log = log;
  }

  /**
   * The exchange's current time in epoch ms, as the exchange reported it.
   *
   * @throws InterruptedException when interrupted or {@link #stop() stopped} while asking again
   */
  synchronized long now() throws InterruptedException {
    long exchangeNow = askUntilAnswered();
    long localNow = local.millis();
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

  /** Makes a {@link #now()} that is asking again give up; safe from any thread. */
  void stop() {
    stopped = true;
  }

  private long askUntilAnswered() throws InterruptedException {
    Duration pause = FIRST_RETRY_PAUSE;
    for (int failures = 1; ; failures++) {
      if (stopped || Thread.currentThread().isInterrupted()) throw stoppedWhileAsking();
      try {
        return source.exchangeMillis();
      } catch (IOException e) {
        log.warn("cannot read the exchange's time (" + e.getMessage() + "), failure " + failures
            + ": asking again in " + pause.toMillis() + " ms (nothing is published on a local"
            + " guess of it)");
      }
      sleeper.sleep(pause);
      pause = pause.multipliedBy(2).compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE
          : pause.multipliedBy(2);
    }
  }

  private static InterruptedException stoppedWhileAsking() {
    return new InterruptedException("stopped while asking the exchange for its time");
  }

  /** How long to wait locally until the exchange's clock reads {@code target}. */
  synchronized Duration localWaitUntil(long target, long exchangeNow) {
    long exchangeWait = Math.max(0, target - exchangeNow);
    if (Double.isNaN(speed)) return min(Duration.ofMillis(exchangeWait), PROBE_WAIT);
    return Duration.ofMillis((long) Math.ceil(exchangeWait / speed));
  }

  /**
   * How long to sleep before asking the exchange's time again, on the way to {@code target}:
   * {@link #localWaitUntil}, but at most {@link #MAX_SLEEP}, so a wrong speed estimate costs at
   * most that much lateness.
   */
  synchronized Duration sleepUntil(long target, long exchangeNow) {
    return min(localWaitUntil(target, exchangeNow), MAX_SLEEP);
  }

  synchronized double speed() {
    return Double.isNaN(speed) ? 1.0 : speed;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
