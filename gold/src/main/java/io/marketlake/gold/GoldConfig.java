package io.marketlake.gold;

import io.marketlake.common.Defaults;
import io.marketlake.common.UsageException;
import java.time.Duration;

/**
 * The settings of one gold run; where the tables are and how the session reaches them is the
 * run's {@link io.marketlake.common.spark.LayerContext}.
 *
 * @param horizonMinutes how far ahead the label looks (features table and model)
 * @param trigger null for available-now (bring gold up to date with silver, then stop), else the
 *     processing-time interval of the 5m rollup query that keeps running
 * @param featuresEvery with a {@code trigger}: how often the features table is rewritten
 * @param rollupsEvery with a {@code trigger}: the interval of the query keeping the 1h and 1d
 *     rollups and the daily change (at least {@code trigger})
 */
public record GoldConfig(int horizonMinutes, Duration trigger, Duration featuresEvery,
    Duration rollupsEvery) {
  public static final Duration DEFAULT_FEATURES_EVERY = Duration.ofHours(1);
  public static final Duration DEFAULT_ROLLUPS_EVERY = Duration.ofSeconds(30);

  public GoldConfig {
    if (horizonMinutes < 1 || horizonMinutes > 1440) {
      throw new UsageException("--horizon must be 1 to 1440 minutes, got " + horizonMinutes);
    }
    if (featuresEvery == null) featuresEvery = DEFAULT_FEATURES_EVERY;
    if (rollupsEvery == null) rollupsEvery = DEFAULT_ROLLUPS_EVERY;
    if (trigger != null && rollupsEvery.compareTo(trigger) < 0) rollupsEvery = trigger;
  }

  /** With the default {@link #rollupsEvery}. */
  public GoldConfig(int horizonMinutes, Duration trigger, Duration featuresEvery) {
    this(horizonMinutes, trigger, featuresEvery, DEFAULT_ROLLUPS_EVERY);
  }

  /** An available-now run with the default horizon. */
  public static GoldConfig defaults() {
    return new GoldConfig(Defaults.HORIZON_MINUTES, null, DEFAULT_FEATURES_EVERY);
  }

  public GoldConfig withHorizon(int minutes) {
    return new GoldConfig(minutes, trigger, featuresEvery, rollupsEvery);
  }

  public GoldConfig withTrigger(Duration interval) {
    return new GoldConfig(horizonMinutes, interval, featuresEvery, rollupsEvery);
  }
}
