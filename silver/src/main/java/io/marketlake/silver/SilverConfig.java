package io.marketlake.silver;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import java.util.List;
import java.util.Objects;

/**
 * Everything one silver run needs, validated once.
 *
 * @param trigger null for available-now (process the bronze rows there are, then stop), else the
 *     processing-time interval of a query that keeps running
 */
public record SilverConfig(Lakehouse lakehouse, S3Settings s3, String master,
    List<QualityRule> rules, Integer maxFilesPerTrigger, java.time.Duration trigger) {

  public SilverConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    rules = List.copyOf(rules);
  }

  /** An available-now run. */
  public SilverConfig(Lakehouse lakehouse, S3Settings s3, String master, List<QualityRule> rules,
      Integer maxFilesPerTrigger) {
    this(lakehouse, s3, master, rules, maxFilesPerTrigger, null);
  }

  public String checkpoint() {
    return lakehouse.checkpoint("silver_candles_1m");
  }
}
