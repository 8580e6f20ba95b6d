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
 * @param ledgerInterval at most how often the completeness ledger is written while the job
 *     runs (its first batch, then once per interval, and when the job ends); zero for every batch
 */
public record SilverConfig(Lakehouse lakehouse, S3Settings s3, String master,
    List<QualityRule> rules, Integer maxFilesPerTrigger, java.time.Duration trigger,
    java.time.Duration ledgerInterval) {
  /** How often a running silver writes the completeness ledger rows of its touched days. */
  public static final java.time.Duration DEFAULT_LEDGER_INTERVAL = java.time.Duration.ofMinutes(5);

  public SilverConfig {
    Objects.requireNonNull(lakehouse, "lakehouse");
    Objects.requireNonNull(s3, "s3");
    Objects.requireNonNull(ledgerInterval, "ledgerInterval");
    rules = List.copyOf(rules);
  }

  /** The default ledger interval. */
  public SilverConfig(Lakehouse lakehouse, S3Settings s3, String master, List<QualityRule> rules,
      Integer maxFilesPerTrigger, java.time.Duration trigger) {
    this(lakehouse, s3, master, rules, maxFilesPerTrigger, trigger, DEFAULT_LEDGER_INTERVAL);
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
