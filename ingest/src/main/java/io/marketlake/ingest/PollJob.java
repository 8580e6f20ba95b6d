package io.marketlake.ingest;

import java.time.Instant;

/**
 * A running {@code ingest poll}: candles ({@link Poller}) or price snapshots ({@link
 * SnapshotPoller}).
 */
interface PollJob {
  /**
   * Polls until {@code maxCycles} cycles ran (0 = no limit) or the source's clock passed {@code
   * until} (null = no limit) or {@link #stop()} was called, flushes Kafka and returns the counts.
   */
  PollResult run(long maxCycles, Instant until) throws InterruptedException;

  /** Asks the loop to finish the running cycle and return; safe from any thread. */
  void stop();
}
