package io.marketlake.ingest;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One line per event (poll cycle, retry, ban, malformed payload), timestamped in UTC. Written to a
 * writer rather than a logging framework so the CLI shows it on stderr without extra binding jars,
 * and tests can assert on exactly what an operator would read.
 */
final class ActivityLog {
  private final PrintWriter out;
  private final Clock clock;

  ActivityLog(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  static ActivityLog silent() {
    return new ActivityLog(new PrintWriter(PrintWriter.nullWriter()), Clock.systemUTC());
  }

  void info(String line) {
    write("INFO ", line);
  }

  void warn(String line) {
    write("WARN ", line);
  }

  private void write(String level, String line) {
    String stamp = Instant.ofEpochMilli(clock.millis()).truncatedTo(ChronoUnit.MILLIS).toString();
    synchronized (out) {
      out.println(stamp + " " + level + line);
      out.flush();
    }
  }
}
