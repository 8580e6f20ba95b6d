package io.marketlake.stack;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code 2026-02-01}, {@code 2026-02-01T09:30} (both UTC) or a full ISO instant. */
final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      if (value.length() == 10) return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (value.endsWith("Z") || value.contains("+")) return Instant.parse(value);
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not a date or instant: expected"
          + " e.g. 2026-02-01 or 2026-02-01T09:30:00Z (UTC)");
    }
  }
}
