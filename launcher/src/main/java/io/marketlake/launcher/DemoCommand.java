package io.marketlake.launcher;

import io.marketlake.common.Cli;
import io.marketlake.common.Defaults;
import io.marketlake.common.Symbols;
import io.marketlake.common.UsageException;
import io.marketlake.gold.Predictions;
import io.marketlake.gold.TrainJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: the whole pipeline on a local stack, with a summary at the end. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Start a local stack, backfill candles, run bronze -> silver -> gold -> model,"
        + " print a summary, stop the stack.")
public final class DemoCommand implements Callable<Integer> {
  static final Path DEFAULT_WORKDIR = Path.of(".marketlake", "demo");

  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Where all state lives (broker log, S3 objects, checkpoints). Default"
          + " .marketlake/demo, emptied first; an explicit DIR is reused, so a second run is an"
          + " incremental one.")
  Path workdir;

  @Option(names = "--days", defaultValue = "" + DemoConfig.DEFAULT_DAYS,
      description = "Whole UTC days of history to backfill (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--symbols", defaultValue = Defaults.SYMBOLS_CSV,
      description = "Symbols to backfill (default: ${DEFAULT-VALUE}).")
  String symbols;

  @Option(names = "--seed", defaultValue = "" + DemoConfig.DEFAULT_SEED,
      description = "Seed of the simulated exchange's price paths (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--horizon", defaultValue = "" + Defaults.HORIZON_MINUTES,
      paramLabel = "MINUTES",
      description = "Prediction horizon in minutes (default: ${DEFAULT-VALUE}).")
  int horizon;

  @Option(names = "--keep-running",
      description = "Leave the stack up; stop it later with 'stack down --workdir DIR'.")
  boolean keepRunning;

  @Option(names = "--no-progress", negatable = true, defaultValue = "true",
      description = "Show the backfill progress bar (default: on).")
  boolean progress;

  DemoConfig toConfig() throws IOException {
    Path dir = workdir == null ? DEFAULT_WORKDIR : workdir;
    if (workdir == null && Files.exists(dir)) deleteRecursively(dir);
    return new DemoConfig(dir.toAbsolutePath(), Symbols.parse(symbols), days,
        LocalDate.now(ZoneOffset.UTC), seed, horizon, DemoConfig.DEFAULT_FOLDS, keepRunning,
        progress);
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    DemoConfig config = toConfig();
    Demo.DemoResult result = new Demo(config, System.out).run();
    printSummary(result, Duration.ofNanos(System.nanoTime() - started), System.out);
    if (config.keepRunning()) {
      System.out.printf("%nThe stack is still running: %s%nStop it with: bin/marketlake stack"
          + " down --workdir %s%n", config.workdir().resolve("stack.json"), config.workdir());
    }
    return Cli.OK;
  }

  static void printSummary(Demo.DemoResult r, Duration total, PrintStream out) {
    out.println();
    out.println("== Tables (rows) ==");
    r.tableRows().forEach((table, rows) -> out.printf("  %-26s %10d%n", table, rows));
    out.println();
    out.println("== Completeness (present of expected minutes; details: marketlake gaps) ==");
    r.completeness().forEach(c -> out.printf("  %s%n", c.summary()));
    TrainJob.TrainResult model = r.model();
    out.println();
    out.printf(Locale.ROOT, "== Model v%d (%s, horizon %dm, walk-forward test on %d rows) ==%n",
        model.modelVersion(), TrainJob.ALGORITHM_LABEL, r.predictions().isEmpty() ? 0
            : r.predictions().get(0).horizonMinutes(), model.metrics().rows());
    out.printf(Locale.ROOT, "  %-32s %6.3f%n", "test AUC", model.metrics().auc());
    out.printf(Locale.ROOT, "  %-32s %6.3f%n", "test accuracy", model.metrics().accuracy());
    out.printf(Locale.ROOT, "  %-32s %6.3f%n", "test balanced accuracy",
        model.metrics().balancedAccuracy());
    out.printf(Locale.ROOT, "  %-32s %6.3f%n", "baseline: majority class",
        model.metrics().majorityAccuracy());
    out.printf(Locale.ROOT, "  %-32s %6.3f%n", "baseline: same as last move",
        model.metrics().lastMoveAccuracy());
    out.println("  (the simulated exchange serves random walks: an honest model scores ~0.5)");
    out.println();
    out.println("== Latest prediction per symbol ==");
    Predictions.print(r.predictions(), out);
    out.println();
    out.println("== Wall time per stage ==");
    r.stageTimes().forEach((stage, took) -> out.printf(Locale.ROOT, "  %-10s %7.1f s%n", stage,
        took.toMillis() / 1000.0));
    out.printf(Locale.ROOT, "  %-10s %7.1f s%n", "total", total.toMillis() / 1000.0);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir.resolve("stack.json"))) {
      throw new UsageException("A demo stack may still be running in " + dir
          + ": stop it with 'bin/marketlake stack down --workdir " + dir + "' first");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
