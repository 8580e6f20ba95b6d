package io.marketlake.ingest;

import io.marketlake.common.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ingest}: fetches 1m candles from an exchange's REST API and publishes one JSON message
 * per candle ({@link io.marketlake.common.MarketMessage}) to Kafka, key = symbol. Subcommands
 * {@code backfill} (a past range) and {@code poll} (live). The launcher adds this command as a
 * subcommand of {@code marketlake}; {@link #main} runs it alone. Exit codes follow {@link Cli}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    subcommands = {BackfillCommand.class, PollCommand.class},
    description = "Fetch minute candles from an exchange and publish them to Kafka.")
public final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  public IngestCommand() {}

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: backfill or poll");
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new IngestCommand(), args));
  }
}
