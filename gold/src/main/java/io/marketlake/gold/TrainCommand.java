package io.marketlake.gold;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: fits, evaluates and versions the price-trend model, then writes predictions. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train the price-trend model on the gold features table (walk-forward"
        + " evaluation), record it in model_runs and write trend_predictions.")
public final class TrainCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--folds", defaultValue = "" + TrainConfig.DEFAULT_FOLDS,
      description = "Walk-forward folds for the reported test metrics (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--reg-param", defaultValue = TrainConfig.DEFAULT_REG_PARAM,
      description = "L2 regularisation of the logistic regression (default: ${DEFAULT-VALUE}).")
  double regParam;

  @Option(names = "--max-iter", defaultValue = "" + TrainConfig.DEFAULT_MAX_ITER,
      description = "Optimiser iterations (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--predict-minutes", paramLabel = "MINUTES",
      defaultValue = "" + TrainConfig.DEFAULT_PREDICT_MINUTES,
      description = "Write predictions for each symbol's latest this-many minutes after the"
          + " model's data_to (the last minute it trained on) (default: ${DEFAULT-VALUE}).")
  int predictMinutes;

  TrainConfig toConfig() {
    return new TrainConfig(folds, regParam, maxIter, predictMinutes);
  }

  @Override
  public Integer call() throws Exception {
    TrainConfig config = toConfig();
    LayerContext ctx = LayerContext.forWriting(LeasedJob.TRAIN, lakehouse, null);
    TrainJob.TrainResult r = new TrainJob(config).run(ctx);
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
