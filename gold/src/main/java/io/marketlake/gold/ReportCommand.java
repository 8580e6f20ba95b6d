package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.LayerContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code report}: a self-contained HTML report of prices, completeness (from silver's ledger),
 * predictions and model metrics.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write a self-contained HTML report (opens from a file, no server): price"
        + " charts per symbol, the latest predictions, and the model's metrics per version.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--out", defaultValue = "marketlake-report.html", paramLabel = "FILE",
      description = "Where to write the report (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--window", defaultValue = "1h", paramLabel = "5m|1h|1d",
      description = "Rollup charted (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--days", defaultValue = "7",
      description = "Days of history charted, ending at each symbol's latest candle"
          + " (default: ${DEFAULT-VALUE}).")
  int days;

  @Override
  public Integer call() throws Exception {
    if (days < 1) throw new UsageException("--days must be positive, got " + days);
    ReportQuery.requireWindow(window);
    LayerContext ctx = LayerContext.open("marketlake-report", lakehouse);
    Files.writeString(out, ReportQuery.html(ReportQuery.read(ctx, window, days)),
        StandardCharsets.UTF_8);
    System.out.println("report: wrote " + out.toAbsolutePath());
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new ReportCommand(), args));
  }
}
