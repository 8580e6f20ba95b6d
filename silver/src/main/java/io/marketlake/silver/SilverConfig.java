package io.marketlake.silver;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import java.util.List;
import java.util.Objects;

/** Everything one silver run needs, validated once. */
public record SilverConfig(Lakehouse lakehouse, S3Settings s3, String master,
    List<QualityRule> rules, Integer maxFilesPerTrigger) {

  public SilverConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    rules = List.copyOf(rules);
  }

  public String checkpoint() {
    return lakehouse.checkpoint("silver_candles_1m");
  }
}
