package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.spark.LakehouseSpark;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: fits, evaluates and versions the price-trend model, then writes predictions. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train the price-trend model on the gold features table (walk-forward"
        + " evaluation), record it in model_runs and write trend_predictions.")
public final class TrainCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--folds", defaultValue = "3",
      description = "Walk-forward folds for the reported test metrics (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--reg-param", defaultValue = "0.01",
      description = "L2 regularisation of the logistic regression (default: ${DEFAULT-VALUE}).")
  double regParam;

  @Option(names = "--max-iter", defaultValue = "25",
      description = "Optimiser iterations (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--predict-minutes", defaultValue = "60", paramLabel = "MINUTES",
      description = "Write predictions for each symbol's latest this-many minutes after the"
          + " model's data_to (the last minute it trained on) (default: ${DEFAULT-VALUE}).")
  int predictMinutes;

  @Option(names = "--debug", description = "Print stack traces.")
  boolean debug;

  TrainConfig toConfig() {
    return new TrainConfig(lakehouse.lakehouse(), lakehouse.s3(), lakehouse.master(), folds,
        regParam, maxIter, predictMinutes);
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig config = toConfig();
    io.marketlake.common.lease.LakehouseLeases.refuseIfHeld(config.lakehouse(), config.s3(),
        io.marketlake.common.lease.LeasedJob.TRAIN);   // before Spark's seconds of start-up
    SparkSession spark = LakehouseSpark.getOrCreate("marketlake-train", config.master(),
        config.s3());
    TrainJob.TrainResult r = new TrainJob(config).run(spark);
    ModelEvaluation m = r.metrics();
    System.out.printf(java.util.Locale.ROOT,
        "train: model v%d on %d rows; walk-forward test (%d rows): AUC %.3f, accuracy %.3f,"
            + " balanced %.3f | baselines: majority %.3f, last move %.3f; %d predictions"
            + " after %s, %d earlier predictions' outcomes filled in (%.1f s)%n",
        r.modelVersion(), r.trainRows(), m.rows(), m.auc(), m.accuracy(), m.balancedAccuracy(),
        m.majorityAccuracy(), m.lastMoveAccuracy(), r.predictions(), r.dataTo(),
        r.outcomesFilled(), r.millis() / 1000.0);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new TrainCommand(), args));
  }
}
