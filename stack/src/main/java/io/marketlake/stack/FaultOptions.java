package io.marketlake.stack;

import io.marketlake.common.Durations;
import java.time.Duration;
import java.util.List;

/** The command-line side of {@link ExchangeFaults}: defaults, duration parsing, child JVM args. */
final class FaultOptions {
  static final String DEFAULT_RETRY_AFTER = "2s";
  /** Longer than ingest's default 10 s read timeout, so that the fault is one. */
  static final String DEFAULT_DELAY = "12s";

  private FaultOptions() {}

  static ExchangeFaults parse(String spec, String retryAfter, String delay, long seed) {
    return ExchangeFaults.parse(spec, Durations.parse("--fault-retry-after", retryAfter),
        Durations.parse("--fault-delay", delay), seed);
  }

  /** The exchange command's options that reproduce {@code faults} in a child JVM. */
  static List<String> args(ExchangeFaults faults) {
    if (!faults.any()) return List.of();
    return List.of("--faults", faults.toString(),
        "--fault-retry-after", faults.retryAfter().toMillis() + "ms",
        "--fault-delay", faults.delay().toMillis() + "ms",
        "--fault-seed", Long.toString(faults.seed()));
  }
}
