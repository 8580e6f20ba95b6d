package io.marketlake.gold;

import io.marketlake.common.UsageException;

/**
 * The settings of one training run; where the tables are and how the session reaches them is the
 * run's {@link io.marketlake.common.spark.LayerContext}.
 *
 * @param folds walk-forward folds for the reported metrics
 * @param predictMinutes predictions are written for each symbol's latest this-many minutes after
 *     the model's {@code data_to}
 */
public record TrainConfig(int folds, double regParam, int maxIter, int predictMinutes) {
  public static final int DEFAULT_FOLDS = 3;
  public static final String DEFAULT_REG_PARAM = "0.01";
  public static final int DEFAULT_MAX_ITER = 25;
  public static final int DEFAULT_PREDICT_MINUTES = 60;

  public TrainConfig {
    if (folds < 1 || folds > 20) throw new UsageException("--folds must be 1 to 20, got " + folds);
    if (regParam < 0) throw new UsageException("--reg-param must be >= 0, got " + regParam);
    if (maxIter < 1) throw new UsageException("--max-iter must be positive, got " + maxIter);
    if (predictMinutes < 1) {
      throw new UsageException("--predict-minutes must be positive, got " + predictMinutes);
    }
  }

  public static TrainConfig defaults() {
    return new TrainConfig(DEFAULT_FOLDS, Double.parseDouble(DEFAULT_REG_PARAM), DEFAULT_MAX_ITER,
        DEFAULT_PREDICT_MINUTES);
  }

  public TrainConfig withFolds(int walkForwardFolds) {
    return new TrainConfig(walkForwardFolds, regParam, maxIter, predictMinutes);
  }

  public TrainConfig withMaxIter(int iterations) {
    return new TrainConfig(folds, regParam, iterations, predictMinutes);
  }
}
