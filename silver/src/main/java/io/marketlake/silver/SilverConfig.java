package io.marketlake.silver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settings of one silver run, validated once; where the tables are and how the session
 * reaches them is the run's {@link io.marketlake.common.spark.LayerContext}.
 *
 * @param maxFilesPerTrigger upper bound of bronze files per micro-batch, or null for Delta's
 * @param trigger null for available-now (process the bronze rows there are, then stop), else the
 *     processing-time interval of a query that keeps running
 * @param ledgerInterval at most how often the completeness ledger is written while the job
 *     runs (its first batch, then once per interval, and when the job ends); zero for every batch
 */
public record SilverConfig(List<QualityRule> rules, Integer maxFilesPerTrigger, Duration trigger,
    Duration ledgerInterval) {
  /** How often a running silver writes the completeness ledger rows of its touched days. */
  public static final Duration DEFAULT_LEDGER_INTERVAL = Duration.ofMinutes(5);

  public SilverConfig {
    Objects.requireNonNull(ledgerInterval, "ledgerInterval");
    rules = List.copyOf(rules);
  }

  /** An available-now run with the built-in quality rules. */
  public static SilverConfig defaults() {
    return new SilverConfig(QualityRules.defaults(), null, null, DEFAULT_LEDGER_INTERVAL);
  }

  public SilverConfig withRules(List<QualityRule> qualityRules) {
    return new SilverConfig(qualityRules, maxFilesPerTrigger, trigger, ledgerInterval);
  }

  public SilverConfig withMaxFilesPerTrigger(Integer maxFiles) {
    return new SilverConfig(rules, maxFiles, trigger, ledgerInterval);
  }

  public SilverConfig withTrigger(Duration interval) {
    return new SilverConfig(rules, maxFilesPerTrigger, interval, ledgerInterval);
  }

  public SilverConfig withLedgerInterval(Duration interval) {
    return new SilverConfig(rules, maxFilesPerTrigger, trigger, interval);
  }
}
