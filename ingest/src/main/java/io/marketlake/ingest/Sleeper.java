package io.marketlake.ingest;

import java.time.Duration;

/** Waits for a while; injected so tests advance a fake clock instead of waiting real time. */
@FunctionalInterface
interface Sleeper {
  Sleeper SYSTEM = d -> {
    if (!d.isNegative() && !d.isZero()) Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
  };

  void sleep(Duration duration) throws InterruptedException;
}
