package io.marketlake.ingest;

import io.marketlake.common.UsageException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ingest backfill --from X --to Y}: copies a past range of 1m candles into Kafka. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = {"Copy the closed 1m candles of [--from, --to) for every symbol into Kafka.",
        "Paged (1000 per request), symbols in parallel, paced to the exchange's weight limit.",
        "Resumable: run the same command again after Ctrl-C and it continues where it stopped."})
public final class BackfillCommand implements Callable<Integer> {
  @Mixin IngestOptions options;

  @Option(names = "--from", required = true, paramLabel = "DATE|INSTANT",
      description = "First minute, inclusive: 2026-02-01 (UTC midnight) or 2026-02-01T00:00:00Z.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "DATE|INSTANT",
      description = "End, exclusive: 2026-02-08 or 2026-02-08T00:00:00Z.")
  String to;

  @Option(names = "--no-progress", description = "No progress bar (none is drawn off a terminal).")
  boolean noProgress;

  @Spec CommandSpec spec;

  public BackfillCommand() {}

  @Override
  public Integer call() throws Exception {
    Instant start = TimeArgs.instant("--from", from);
    Instant end = TimeArgs.instant("--to", to);
    if (!start.isBefore(end)) throw new UsageException(IngestErrors.emptyRange(from, to));
    IngestConfig config = options.toConfig(IngestConfig.DEFAULT_POLL_DELAY,
        !noProgress && System.console() != null);
    if (config.source().equals(CoinGeckoSource.NAME)) {
      throw new UsageException(IngestErrors.noHistory(config.source()));
    }
    Instant oldest = Instant.now().minus(YahooSource.HISTORY);
    if (config.source().equals(YahooSource.NAME) && start.isBefore(oldest)) {
      throw new UsageException(IngestErrors.yahooTooOld(from, oldest.truncatedTo(
          java.time.temporal.ChronoUnit.MINUTES)));
    }
    ActivityLog log = new ActivityLog(spec.commandLine().getErr(), Clock.systemUTC());
    BackfillResult result;
    try (ShutdownSignal signal = ShutdownSignal.install();
        IngestRuntime rt = IngestRuntime.open(config, log)) {
      ProgressListener progress =
          config.progress() ? ProgressListener.console(System.err) : ProgressListener.NONE;
      Backfill backfill = new Backfill(rt.candleSource(), rt.publisher, rt.state, log, progress,
          rt.clock, rt.sleeper, config.concurrency());
      signal.onStop(backfill::stop);
      log.info("backfill " + start + " .. " + end + " of " + String.join(",", config.symbols())
          + " from " + config.baseUrl() + " to " + config.topic() + " at "
          + config.bootstrapServers());
      result = backfill.run(config.symbols(), start, end);
      spec.commandLine().getOut().println(result.summary());
      spec.commandLine().getOut().flush();
    }
    if (!result.failedSymbols().isEmpty()) {
      List<String> failures = new ArrayList<>();
      result.failedSymbols().forEach((symbol, why) -> failures.add(symbol + ": " + why));
      throw new IllegalStateException(IngestErrors.symbolsFailed(failures));
    }
    return 0;
  }
}
