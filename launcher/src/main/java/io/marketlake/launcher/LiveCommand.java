package io.marketlake.launcher;

import io.marketlake.common.Cli;
import io.marketlake.common.Defaults;
import io.marketlake.common.Durations;
import io.marketlake.common.Symbols;
import io.marketlake.dashboard.DashboardCommand;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code live}: the pipeline kept running on the local stack, with the dashboard. */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the pipeline continuously on a local stack: poll the simulated exchange,"
        + " stream bronze -> silver -> gold, score every new minute, retrain on a schedule, and"
        + " serve the dashboard on 127.0.0.1. Ctrl-C stops it; running it again in the same"
        + " --workdir resumes.")
public final class LiveCommand implements Callable<Integer> {
  static final Path DEFAULT_WORKDIR = Path.of(".marketlake", "live");

  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Where the stack, tables and checkpoints live (default: .marketlake/live);"
          + " a second run in the same DIR resumes.")
  Path workdir = DEFAULT_WORKDIR;

  @Option(names = "--symbols", defaultValue = Defaults.SYMBOLS_CSV,
      description = "Symbols to poll (default: ${DEFAULT-VALUE}).")
  String symbols;

  @Option(names = "--exchange-speed", defaultValue = "1", paramLabel = "N",
      description = "Exchange minutes per wall minute: 60 shows a new candle every second"
          + " (default: ${DEFAULT-VALUE}).")
  double exchangeSpeed;

  @Option(names = "--history", defaultValue = "24h", paramLabel = "DURATION",
      description = "Exchange time backfilled before polling, on the first run only: the first"
          + " model learns from it (default: ${DEFAULT-VALUE}).")
  String history;

  @Option(names = "--trigger", defaultValue = "2s", paramLabel = "DURATION",
      description = "Micro-batch interval of bronze, silver and gold (default: ${DEFAULT-VALUE}).")
  String trigger;

  @Option(names = "--score-every", defaultValue = "2s", paramLabel = "DURATION",
      description = "How often new minutes are scored (default: ${DEFAULT-VALUE}).")
  String scoreEvery;

  @Option(names = "--retrain-every", defaultValue = "1h", paramLabel = "DURATION",
      description = "How often a new model is trained, in wall time (default: ${DEFAULT-VALUE}).")
  String retrainEvery;

  @Option(names = "--port", defaultValue = "" + DashboardCommand.DEFAULT_PORT,
      description = "Dashboard port on 127.0.0.1; 0 for a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the simulated exchange's price paths (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--horizon", defaultValue = "" + Defaults.HORIZON_MINUTES,
      paramLabel = "MINUTES", description = "Prediction horizon (default: ${DEFAULT-VALUE}).")
  int horizon;

  LiveConfig toConfig() {
    return new LiveConfig(workdir.toAbsolutePath().normalize(), Symbols.parse(symbols),
        exchangeSpeed, Durations.parse("--history", history),
        Durations.parse("--trigger", trigger), Durations.parse("--score-every", scoreEvery),
        Durations.parse("--retrain-every", retrainEvery), port, seed, horizon);
  }

  @Override
  public Integer call() throws Exception {
    LiveConfig config = toConfig();
    Live live = new Live(config, System.out);
    // Ctrl-C / SIGTERM: stop every part in order, then end the JVM with the run's exit code.
    CountDownLatch drained = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(Cli.OK);
    Thread hook = new Thread(() -> {
      live.stop();
      try {
        drained.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(exitCode.get());
    }, "live-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Live.LiveResult result = live.run();
      System.out.printf("live: stopped; %d predictions written, %d models trained this run,"
          + " exchange clock at %s. Run it again with --workdir %s to resume.%n",
          result.predictionsWritten(), result.modelsTrained(), result.exchangeReached(),
          config.workdir());
      return Cli.OK;
    } catch (Exception e) {
      exitCode.set(Cli.exitCodeOf(e));   // the hook's halt must not turn a failure into 0
      throw e;
    } finally {
      drained.countDown();
    }
  }
}
