package io.marketlake.ingest;

import io.marketlake.common.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parsing of the CLI's time options: ISO dates and instants (UTC), short durations. */
public final class TimeArgs {

  private TimeArgs() {}

  /** {@code 2026-02-01} (UTC midnight), {@code 2026-02-01T00:00:00Z} or with an offset. */
  public static Instant instant(String option, String value) {
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
    return io.marketlake.common.Durations.parse(option, value);
  }

}
