package io.marketlake.ingest;

import io.marketlake.common.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the CLI's time options: ISO dates and instants (UTC), short durations. */
final class TimeArgs {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private TimeArgs() {}

  /** {@code 2026-02-01} (UTC midnight), {@code 2026-02-01T00:00:00Z} or with an offset. */
  static Instant instant(String option, String value) {
    String v = value.trim();
    try {
      if (v.length() == 10) return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (v.endsWith("Z") || v.endsWith("z")) return Instant.parse(v.toUpperCase(Locale.ROOT));
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new UsageException(IngestErrors.badTime(option, value));
    }
  }

  /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, or ISO-8601 ({@code PT2S}). */
  static Duration duration(String option, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT_DURATION.matcher(v);
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
      if (d.isNegative()) throw new UsageException(IngestErrors.badDuration(option, value));
      return d;
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new UsageException(IngestErrors.badDuration(option, value));
    }
  }
}
