package io.marketlake.stack;

import io.marketlake.common.Symbols;
import io.marketlake.common.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code exchange}: runs a {@link SimulatedExchange} in the foreground until the process is
 * stopped. The local stack starts it this way in its own JVM so that {@code stack up} can return.
 */
@Command(name = "exchange", mixinStandardHelpOptions = true,
    description = "Run the simulated exchange (Binance REST format) on 127.0.0.1.")
public class ExchangeCommand implements Callable<Integer> {

  @Option(names = "--port", description = "Port on 127.0.0.1; 0 picks a free one (default: 0).")
  int port;

  @Option(names = "--port-file", description = "Write the bound port to this file once serving.")
  Path portFile;

  @Option(names = "--speed", defaultValue = "1",
      description = "Exchange time runs this many times faster than real time (default: 1).")
  double speed;

  @Option(names = "--start", converter = InstantConverter.class,
      description = "Exchange time at start-up, UTC, e.g. 2026-02-01 (default: now).")
  Instant start;

  @Option(names = "--replay", description = "Serve SYMBOL-1m-*.csv dumps from this directory.")
  Path replay;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the price paths.")
  long seed;

  @Option(names = "--weight-limit", defaultValue = "6000",
      description = "Request weight allowed per minute (default: 6000, Binance's).")
  int weightLimit;

  @Option(names = "--symbols", description = "Symbols the all-symbol ticker lists.")
  String symbols;

  @Option(names = "--faults", paramLabel = "KIND=RATE,...", description = "Faults injected into"
      + " kline and ticker answers, each a probability per request: 429, 418, 5xx, timeout,"
      + " malformed, duplicate, late (default: none).")
  String faults;

  @Option(names = "--fault-retry-after", defaultValue = FaultOptions.DEFAULT_RETRY_AFTER,
      description = "Retry-After of injected 429s and length of injected 418 bans"
          + " (default: ${DEFAULT-VALUE}).")
  String faultRetryAfter;

  @Option(names = "--fault-delay", defaultValue = FaultOptions.DEFAULT_DELAY,
      description = "How long a timeout fault holds the answer back (default: ${DEFAULT-VALUE}).")
  String faultDelay;

  @Option(names = "--fault-seed", defaultValue = "1", description = "Seed of the fault draws.")
  long faultSeed;

  @Override
  public Integer call() throws Exception {
    SimulatedExchange exchange = SimulatedExchange.start(toOptions());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      exchange.close();
      stopped.countDown();
    }, "exchange-shutdown"));
    if (portFile != null) writePort(portFile, exchange.port());
    System.out.println("Simulated exchange listening on " + exchange.baseUrl());
    System.out.flush();
    stopped.await();
    return 0;
  }

  ExchangeOptions toOptions() {
    if (!(speed > 0)) {
      throw new UsageException("Invalid --speed " + speed + ": expected a positive number, e.g. 60");
    }
    if (weightLimit < 1) {
      throw new UsageException("Invalid --weight-limit " + weightLimit + ": expected >= 1");
    }
    if (replay != null && !Files.isDirectory(replay)) {
      throw new UsageException("Replay directory " + replay + " does not exist (--replay)");
    }
    List<String> listed = symbols == null ? io.marketlake.common.Defaults.SYMBOLS
        : Symbols.parse(symbols);
    return ExchangeOptions.defaults()
        .withPort(port)
        .withSeed(seed)
        .withClock(SimulatedClock.accelerated(start, speed))
        .withReplayDir(replay)
        .withWeightLimit(weightLimit)
        .withListedSymbols(listed)
        .withFaults(FaultOptions.parse(faults, faultRetryAfter, faultDelay, faultSeed));
  }

  /** Atomically, so the parent never reads a half-written port. */
  static void writePort(Path file, int port) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(port));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
