package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.Durations;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gold-5m}: the spark-submit entry point of the live 5m view. */
@Command(name = "gold-5m", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Keep the live 5m rollup (gold/candles_5m_live) as a streaming query over"
        + " silver's change feed: a window appears with its first candle.")
public final class Gold5mCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--trigger", defaultValue = FiveMinuteStreamConfig.DEFAULT_TRIGGER,
      paramLabel = "available-now|DURATION", description = "A duration such as 10s: keep"
          + " running, a micro-batch at that interval (default: ${DEFAULT-VALUE});"
          + " available-now: process what silver has, then stop.")
  String trigger;

  FiveMinuteStreamConfig toConfig() {
    return new FiveMinuteStreamConfig(Durations.trigger("--trigger", trigger));
  }

  @Override
  public Integer call() throws Exception {
    FiveMinuteStreamConfig config = toConfig();
    LayerContext ctx = LayerContext.forWriting(LeasedJob.GOLD_5M, lakehouse, null);
    FiveMinuteStream.Result total = new FiveMinuteStream(config).run(ctx, batches ->
        System.out.printf("gold-5m: batch %d: %d candles read, %d windows written,"
                + " %d candles into windows written earlier%n", batches.lastBatchId(),
            batches.candlesRead(), batches.windowsWritten(), batches.lateCandles()));
    System.out.printf("gold-5m: %d candles read, %d windows written, %d candles into"
        + " windows written earlier (per batch: gold/candles_5m_live_batches)%n",
        total.candlesRead(), total.windowsWritten(), total.lateCandles());
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new Gold5mCommand(), args));
  }
}
