package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.LakehouseSpark;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
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

  @Option(names = "--stream-5m", description = "Instead of the batch update, run the live 5m"
      + " rollup (gold/candles_5m_live) as a streaming query over silver's change feed.")
  boolean stream5m;

  @Option(names = "--trigger", paramLabel = "available-now|DURATION",
      description = "available-now: bring gold up to date, then stop (default; with --stream-5m"
          + " the default is 30s); a duration such as 10s: keep running, a micro-batch at that"
          + " interval.")
  String trigger;

  @Option(names = "--features-every", defaultValue = "1h", paramLabel = "DURATION",
      description = "With a --trigger interval: how often the features table is rewritten"
          + " (default: ${DEFAULT-VALUE}).")
  String featuresEvery;

  @Option(names = "--debug", description = "Print stack traces.")
  boolean debug;

  GoldConfig toConfig() {
    return new GoldConfig(lakehouse.lakehouse(), lakehouse.s3(), lakehouse.master(),
        horizonMinutes, stream5m ? null : io.marketlake.common.Durations.trigger("--trigger",
            trigger == null ? "available-now" : trigger),
        io.marketlake.common.Durations.parse("--features-every", featuresEvery));
  }

  @Override
  public Integer call() throws Exception {
    GoldConfig config = toConfig();
    io.marketlake.common.lease.LakehouseLeases.refuseIfHeld(config.lakehouse(), config.s3(),
        stream5m ? io.marketlake.common.lease.LeasedJob.GOLD_5M
            : io.marketlake.common.lease.LeasedJob.GOLD);   // before Spark's seconds of start-up
    SparkSession spark = LakehouseSpark.getOrCreate("marketlake-gold", config.master(),
        config.s3());
    if (stream5m) {
      return stream(spark, config);
    }
    GoldJob.GoldResult r = new GoldJob(config).run(spark);
    System.out.printf("gold: %d silver changes read; windows merged 5m=%d 1h=%d 1d=%d;"
            + " %d feature rows (%.1f s)%n", r.silverChangesRead(),
        r.windowsMerged().get(RollupWindow.FIVE_MINUTES),
        r.windowsMerged().get(RollupWindow.ONE_HOUR), r.windowsMerged().get(RollupWindow.ONE_DAY),
        r.featureRows(), r.millis() / 1000.0);
    return Cli.OK;
  }

  /**
   * Runs the live 5m view until it stops (available-now) or is stopped (Ctrl-C); after every
   * wait, prints the micro-batches it finished (each records itself in
   * gold/candles_5m_live_batches).
   */
  private int stream(SparkSession spark, GoldConfig config) throws Exception {
    return io.marketlake.common.spark.SparkLeases.hold(spark, config.lakehouse(), config.s3(),
        io.marketlake.common.lease.LeasedJob.GOLD_5M, () -> streamHoldingLease(spark, config));
  }

  private int streamHoldingLease(SparkSession spark, GoldConfig config) throws Exception {
    Duration interval = io.marketlake.common.Durations.trigger("--trigger",
        trigger == null ? "30s" : trigger);
    StreamingQuery query = FiveMinuteStream.start(spark, config.lakehouse(), interval);
    long waitMillis = interval == null ? 10_000 : Math.max(1_000, interval.toMillis());
    long lastBatch = -1;
    long read = 0;
    long late = 0;
    long written = 0;
    boolean stopped;
    do {
      stopped = query.awaitTermination(waitMillis);
      FiveMinuteStream.Result r = FiveMinuteStream.batchesSince(spark, config.lakehouse(),
          query, lastBatch);
      lastBatch = r.lastBatchId();
      read += r.candlesRead();
      late += r.lateCandles();
      written += r.windowsWritten();
      if (r.batches() > 0 && !stopped) {
        System.out.printf("gold --stream-5m: batch %d: %d candles read, %d windows written,"
            + " %d candles into windows written earlier%n", lastBatch, r.candlesRead(),
            r.windowsWritten(), r.lateCandles());
      }
    } while (!stopped);
    System.out.printf("gold --stream-5m: %d candles read, %d windows written, %d candles into"
        + " windows written earlier (per batch: gold/candles_5m_live_batches)%n", read, written,
        late);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new GoldCommand(), args));
  }
}
