package io.marketlake.silver;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code silver}: the spark-submit entry point of the silver layer. */
@Command(name = "silver", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Parse new bronze rows, apply quality rules, and MERGE candles into silver.")
public final class SilverCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Quality rules (JSON array of {name, condition, action}); default: the"
          + " built-in candle rules.")
  Path rulesFile;

  @Option(names = "--max-files-per-trigger", paramLabel = "N",
      description = "Upper bound of bronze files per micro-batch (default: Delta's, 1000).")
  Integer maxFilesPerTrigger;

  @Option(names = "--trigger", defaultValue = "available-now",
      paramLabel = "available-now|DURATION", description = "available-now: process the new bronze"
          + " rows, then stop (default); a duration such as 10s: keep running, a micro-batch at"
          + " that interval.")
  String trigger;

  @Option(names = "--ledger-interval", defaultValue = "5m", paramLabel = "DURATION",
      description = "At most how often a running silver writes the completeness ledger rows of the"
          + " days its batches touched (default 5m; 0s: every batch). It is always brought up to"
          + " date when the run ends.")
  String ledgerInterval;

  SilverConfig toConfig() {
    return new SilverConfig(
        rulesFile == null ? QualityRules.defaults() : QualityRules.load(rulesFile),
        maxFilesPerTrigger, io.marketlake.common.Durations.trigger("--trigger", trigger),
        io.marketlake.common.Durations.parse("--ledger-interval", ledgerInterval));
  }

  @Override
  public Integer call() throws Exception {
    SilverConfig config = toConfig();
    LayerContext ctx = LayerContext.forWriting(LeasedJob.SILVER, lakehouse, null);
    SilverJob.SilverResult r = new SilverJob(config).run(ctx);
    System.out.printf("silver: %d bronze rows read; candles %d inserted, %d updated;"
            + " %d quarantined, %d dropped, %d warnings, %d other kinds skipped;"
            + " %d exchange answers of no candles; completeness of %d symbol-days updated"
            + " (%.1f s); %d batches (%.1f s)%n",
        r.bronzeRowsRead(), r.candlesInserted(), r.candlesUpdated(), r.quarantined(), r.dropped(), r.warnings(),
        r.otherKinds(), r.emptyAnswers(), r.ledgerDays(), r.ledgerMillis() / 1000.0, r.batches(),
        r.millis() / 1000.0);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new SilverCommand(), args));
  }
}
