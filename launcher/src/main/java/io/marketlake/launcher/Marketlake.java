package io.marketlake.launcher;

import io.marketlake.bronze.BronzeCommand;
import io.marketlake.common.Cli;
import io.marketlake.dashboard.DashboardCommand;
import io.marketlake.maintenance.MaintenanceCommand;
import io.marketlake.gold.Gold5mCommand;
import io.marketlake.gold.GoldCommand;
import io.marketlake.gold.PredictionsCommand;
import io.marketlake.gold.ReportCommand;
import io.marketlake.gold.TrainCommand;
import io.marketlake.ingest.IngestCommand;
import io.marketlake.silver.SilverCommand;
import io.marketlake.stack.StackCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code marketlake}: one command for the local stack, each layer, and the demo. Every layer
 * subcommand is the same class its {@code spark-submit} main class runs, with the same options.
 */
@Command(name = "marketlake", mixinStandardHelpOptions = true, version = "marketlake 0.1.0",
    description = "A Delta Lake medallion pipeline for minute-level market data.",
    subcommands = {DemoCommand.class, LiveCommand.class, DashboardCommand.class,
        StackCommand.class, IngestCommand.class,
        BronzeCommand.class, SilverCommand.class, GoldCommand.class, Gold5mCommand.class,
        TrainCommand.class,
        PredictionsCommand.class, ReportCommand.class, GapsCommand.class,
        MaintenanceCommand.class})
public final class Marketlake implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(),
        "Missing command: choose one of demo, live, dashboard, stack, ingest, bronze, silver, gold, gold-5m, train,"
            + " predictions, report, gaps, maintenance");
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new Marketlake(), args));
  }
}
