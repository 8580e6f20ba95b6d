package io.marketlake.ingest;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ingest poll}: publishes every closed minute of every symbol, live, exactly once. */
@Command(name = "poll", mixinStandardHelpOptions = true,
    description = {"Poll at each minute boundary of the exchange's clock (plus --poll-delay) and"
        + " publish each closed 1m candle once.",
        "On start, each symbol is filled from its high-water mark up to the exchange's last"
            + " closed minute first, then polled live.",
        "SIGTERM / Ctrl-C flush Kafka, save the high-water marks and exit 0.",
        "With --until: exit 1, naming the symbols, if any symbol stopped short of it."})
public final class PollCommand implements Callable<Integer> {
  @Mixin IngestOptions options;

  @Option(names = "--poll-delay", defaultValue = IngestConfig.DEFAULT_POLL_DELAY_TEXT,
      paramLabel = "DURATION",
      description = "How long after each minute boundary of the exchange's clock to ask, e.g. 2s;"
          + " minutes the exchange serves late are asked for again within the cycle."
          + " Default: ${DEFAULT-VALUE}.")
  String pollDelay;

  @Option(names = "--max-cycles", defaultValue = "0", paramLabel = "N",
      description = "Stop after N poll cycles (0 = run until stopped).")
  long maxCycles;

  @Option(names = "--until", paramLabel = "DATE|INSTANT",
      description = "Stop once every minute before this exchange time is published.")
  String until;

  @Option(names = "--no-progress",
      description = "No progress bar for the start-up fill (none is drawn off a terminal).")
  boolean noProgress;

  @Spec CommandSpec spec;

  public PollCommand() {}

  @Override
  public Integer call() throws Exception {
    IngestConfig config = options.toConfig(TimeArgs.duration("--poll-delay", pollDelay),
        !noProgress && System.console() != null);
    Instant stopAt = until == null ? null : TimeArgs.instant("--until", until);
    ActivityLog log = new ActivityLog(spec.commandLine().getErr(), Clock.systemUTC());
    PollResult result;
    try (ShutdownSignal signal = ShutdownSignal.install();
        IngestRuntime rt = IngestRuntime.open(config, log)) {
      PollJob poller = Poller.create(config, rt);
      signal.onStop(poller::stop);
      log.info("polling " + String.join(",", config.symbols()) + " from " + config.baseUrl()
          + " to " + config.topic() + " at " + config.bootstrapServers()
          + " (resume state in " + config.stateDir() + ")");
      result = poller.run(maxCycles, stopAt);
      spec.commandLine().getOut().println(result.summary());
      spec.commandLine().getOut().flush();
    }
    String shortOfUntil = result.shortOfUntilLine();
    if (shortOfUntil != null) throw new IllegalStateException(shortOfUntil);
    return 0;
  }
}
