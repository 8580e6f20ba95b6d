package io.marketlake.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one parser of durations given on command lines: {@code 500ms}, {@code 2s}, {@code 1m}. */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /**
   * {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, or ISO-8601 ({@code PT2S}); never negative.
   *
   * @throws UsageException naming {@code option} and the value
   */
  public static Duration parse(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(v);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
      }
      Duration d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      if (!d.isNegative()) return d;
    } catch (DateTimeParseException | NumberFormatException e) {
      // the usage error below
    }
    throw new UsageException("Invalid " + option + " '" + value
        + "': expected a duration such as 2s, 500ms or 1m");
  }

  /**
   * A streaming trigger: {@code available-now} (null: process what is there, then stop) or the
   * interval of a query that keeps running.
   */
  public static Duration trigger(String option, String value) {
    if (value.trim().equalsIgnoreCase("available-now")) return null;
    try {
      return parse(option, value);
    } catch (UsageException e) {
      throw new UsageException("Invalid " + option + " '" + value
          + "': expected available-now or a duration such as 30s, 5m");
    }
  }
}
