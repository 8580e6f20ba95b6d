package io.marketlake.gold;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.UsageException;
import java.util.Objects;

/**
 * Everything one gold run needs.
 *
 * @param horizonMinutes how far ahead the label looks (features table and model)
 */
public record GoldConfig(Lakehouse lakehouse, S3Settings s3, String master, int horizonMinutes) {
  public GoldConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    if (horizonMinutes < 1 || horizonMinutes > 1440) {
      throw new UsageException("--horizon must be 1 to 1440 minutes, got " + horizonMinutes);
    }
  }
}
