package io.marketlake.stack;

import io.marketlake.common.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * How {@link EmbeddedStack} starts the local stack.
 *
 * @param workdir where everything lives (broker data, S3 objects, logs, stack.json)
 * @param exchangeSpeed exchange time runs this many times faster than real time
 * @param exchangeStart exchange time at start-up, or null for the real now
 * @param replayDir kline dumps for the exchange to replay, or null for seeded paths only
 * @param seed seed of the exchange's price paths
 * @param weightLimit the exchange's request weight per minute
 * @param partitions partitions of the market-data topic
 * @param exchangeFaults faults the exchange injects into its answers ({@link ExchangeFaults#NONE})
 * @param detached true for {@code stack up}: the servers (the exchange too, in its own JVM) outlive
 *     this JVM; false for tests and the demo: everything stops when this JVM exits
 */
public record StackOptions(
    Path workdir,
    double exchangeSpeed,
    Instant exchangeStart,
    Path replayDir,
    long seed,
    int weightLimit,
    int partitions,
    ExchangeFaults exchangeFaults,
    boolean detached) {

  public static final int DEFAULT_PARTITIONS = 3;

  /** Validates; errors name the CLI option to fix. */
  public StackOptions {
    Objects.requireNonNull(workdir, "workdir");
    if (exchangeFaults == null) exchangeFaults = ExchangeFaults.NONE;
    workdir = workdir.toAbsolutePath().normalize();
    if (!(exchangeSpeed > 0) || Double.isInfinite(exchangeSpeed)) {
      throw new UsageException("Invalid --exchange-speed " + exchangeSpeed
          + ": expected a positive number, e.g. 60 for one exchange minute per second");
    }
    if (weightLimit < 1) {
      throw new UsageException("Invalid --weight-limit " + weightLimit
          + ": expected a positive weight per minute, e.g. 6000");
    }
    if (partitions < 1) {
      throw new UsageException("Invalid --partitions " + partitions + ": expected 1 or more");
    }
    if (replayDir != null) {
      replayDir = replayDir.toAbsolutePath().normalize();
      if (!Files.isDirectory(replayDir)) {
        throw new UsageException("Replay directory " + replayDir
            + " does not exist: pass a directory of SYMBOL-1m-*.csv files (--replay)");
      }
    }
  }

  /** Speed 1 from now, seeded paths (seed 42), weight 6000, 3 partitions, attached. */
  public static StackOptions defaults(Path workdir) {
    return new StackOptions(workdir, 1, null, null, ExchangeOptions.DEFAULT_SEED,
        ExchangeOptions.DEFAULT_WEIGHT_LIMIT, DEFAULT_PARTITIONS, ExchangeFaults.NONE, false);
  }

  public StackOptions withExchangeSpeed(double speed) {
    return new StackOptions(workdir, speed, exchangeStart, replayDir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withExchangeStart(Instant start) {
    return new StackOptions(workdir, exchangeSpeed, start, replayDir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withReplayDir(Path dir) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, dir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withSeed(long seed) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, replayDir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withWeightLimit(int limit) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, replayDir, seed, limit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withPartitions(int partitions) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, replayDir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  public StackOptions withExchangeFaults(ExchangeFaults faults) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, replayDir, seed, weightLimit,
        partitions, faults, detached);
  }

  public StackOptions withDetached(boolean detached) {
    return new StackOptions(workdir, exchangeSpeed, exchangeStart, replayDir, seed, weightLimit,
        partitions, exchangeFaults, detached);
  }

  /** The in-process exchange's options (port 0: a free one). */
  ExchangeOptions exchangeOptions() {
    return ExchangeOptions.defaults()
        .withSeed(seed)
        .withClock(SimulatedClock.accelerated(exchangeStart, exchangeSpeed))
        .withReplayDir(replayDir)
        .withWeightLimit(weightLimit)
        .withFaults(exchangeFaults);
  }
}
