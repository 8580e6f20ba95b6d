package io.marketlake.gold;

import java.time.Duration;

/**
 * The settings of the live 5m view ({@link FiveMinuteStream}).
 *
 * @param trigger the micro-batch interval, or null for available-now (process what silver has,
 *     then stop)
 */
public record FiveMinuteStreamConfig(Duration trigger) {
  public static final String DEFAULT_TRIGGER = "30s";

  public static FiveMinuteStreamConfig defaults() {
    return new FiveMinuteStreamConfig(Duration.ofSeconds(30));
  }
}
