package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.Defaults;
import io.marketlake.common.Durations;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gold}: the spark-submit entry point of the gold layer (rollups and features). */
@Command(name = "gold", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Update the 5m/1h/1d rollups from silver's changes, then the daily-change and"
        + " features tables.")
public final class GoldCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--horizon", defaultValue = "" + Defaults.HORIZON_MINUTES,
      paramLabel = "MINUTES",
      description = "Label horizon of the features table: is the close this many minutes ahead"
          + " above the current one? (default: ${DEFAULT-VALUE})")
  int horizonMinutes;

  @Option(names = "--trigger", paramLabel = "available-now|DURATION",
      defaultValue = "available-now", description = "available-now: bring gold up to date, then"
          + " stop (default); a duration such as 10s: keep running, a 5m micro-batch at that"
          + " interval. The live 5m view is its own command: gold-5m.")
  String trigger;

  @Option(names = "--features-every", defaultValue = "1h", paramLabel = "DURATION",
      description = "With a --trigger interval: how often the features table is rewritten"
          + " (default: ${DEFAULT-VALUE}).")
  String featuresEvery;

  @Option(names = "--rollups-every", defaultValue = "30s", paramLabel = "DURATION",
      description = "With a --trigger interval: how often the 1h and 1d rollups and the daily"
          + " change are brought up to date; the 5m rollups follow the trigger"
          + " (default: ${DEFAULT-VALUE}).")
  String rollupsEvery;

  GoldConfig toConfig() {
    return new GoldConfig(horizonMinutes, Durations.trigger("--trigger", trigger),
        Durations.parse("--features-every", featuresEvery),
        Durations.parse("--rollups-every", rollupsEvery));
  }

  @Override
  public Integer call() throws Exception {
    GoldConfig config = toConfig();
    LayerContext ctx = LayerContext.forWriting(LeasedJob.GOLD, lakehouse, null);
    GoldJob.GoldResult r = new GoldJob(config).run(ctx);
    System.out.printf("gold: %d silver changes read; windows merged 5m=%d 1h=%d 1d=%d;"
            + " %d feature rows (%.1f s)%n", r.silverChangesRead(),
        r.windowsMerged().get(RollupWindow.FIVE_MINUTES),
        r.windowsMerged().get(RollupWindow.ONE_HOUR), r.windowsMerged().get(RollupWindow.ONE_DAY),
        r.featureRows(), r.millis() / 1000.0);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new GoldCommand(), args));
  }
}
