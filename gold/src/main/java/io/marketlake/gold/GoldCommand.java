package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.spark.LakehouseSpark;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gold}: the spark-submit entry point of the gold layer (rollups and features). */
@Command(name = "gold", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Update the 5m/1h/1d rollups from silver's changes, then the daily-change and"
        + " features tables.")
public final class GoldCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--horizon", defaultValue = "15", paramLabel = "MINUTES",
      description = "Label horizon of the features table: is the close this many minutes ahead"
          + " above the current one? (default: ${DEFAULT-VALUE})")
  int horizonMinutes;

  @Option(names = "--debug", description = "Print stack traces.")
  boolean debug;

  GoldConfig toConfig() {
    return new GoldConfig(lakehouse.lakehouse(), lakehouse.s3(), lakehouse.master(),
        horizonMinutes);
  }

  @Override
  public Integer call() throws Exception {
    GoldConfig config = toConfig();
    SparkSession spark = LakehouseSpark.getOrCreate("marketlake-gold", config.master(),
        config.s3());
    GoldJob.GoldResult r = new GoldJob(config).run(spark);
    System.out.printf("gold: %d silver changes read; windows merged 5m=%d 1h=%d 1d=%d;"
            + " %d feature rows (%.1f s)%n", r.silverChangesRead(),
        r.windowsMerged().get(RollupWindow.FIVE_MINUTES),
        r.windowsMerged().get(RollupWindow.ONE_HOUR), r.windowsMerged().get(RollupWindow.ONE_DAY),
        r.featureRows(), r.millis() / 1000.0);
    return Cli.OK;
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new GoldCommand(), args));
  }
}
