package io.marketlake.gold;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.UsageException;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one gold run needs.
 *
 * @param horizonMinutes how far ahead the label looks (features table and model)
 * @param trigger null for available-now (bring gold up to date with silver, then stop), else the
 *     processing-time interval of a rollup query that keeps running
 * @param featuresEvery with a {@code trigger}: how often the features table is rewritten
 */
public record GoldConfig(Lakehouse lakehouse, S3Settings s3, String master, int horizonMinutes,
    Duration trigger, Duration featuresEvery) {
  public static final Duration DEFAULT_FEATURES_EVERY = Duration.ofHours(1);

  public GoldConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    if (horizonMinutes < 1 || horizonMinutes > 1440) {
      throw new UsageException("--horizon must be 1 to 1440 minutes, got " + horizonMinutes);
    }
    if (featuresEvery == null) featuresEvery = DEFAULT_FEATURES_EVERY;
  }

  /** An available-now run. */
  public GoldConfig(Lakehouse lakehouse, S3Settings s3, String master, int horizonMinutes) {
    this(lakehouse, s3, master, horizonMinutes, null, DEFAULT_FEATURES_EVERY);
  }
}
