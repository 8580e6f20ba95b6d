package io.marketlake.gold;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.UsageException;
import java.util.Objects;

/**
 * One training run.
 *
 * @param folds walk-forward folds for the reported metrics
 * @param predictMinutes predictions are written for each symbol's latest this-many minutes after
 *     the model's {@code data_to}
 */
public record TrainConfig(Lakehouse lakehouse, S3Settings s3, String master, int folds,
    double regParam, int maxIter, int predictMinutes) {
  public TrainConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    if (folds < 1 || folds > 20) throw new UsageException("--folds must be 1 to 20, got " + folds);
    if (regParam < 0) throw new UsageException("--reg-param must be >= 0, got " + regParam);
    if (maxIter < 1) throw new UsageException("--max-iter must be positive, got " + maxIter);
    if (predictMinutes < 1) {
      throw new UsageException("--predict-minutes must be positive, got " + predictMinutes);
    }
  }
}
