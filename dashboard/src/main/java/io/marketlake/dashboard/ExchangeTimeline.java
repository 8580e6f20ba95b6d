package io.marketlake.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Maps exchange time to wall time, so that freshness is measured in wall seconds also when the
 * simulated exchange runs accelerated: exchange time {@code exchangeAt} was wall time {@code
 * wallAt}, and exchange time runs {@code speed} times as fast. A real exchange is {@link #REAL}.
 * {@code live} writes its timeline to {@code DIR/live-clock.json}, where {@code dashboard
 * --workdir DIR} finds it.
 */
public record ExchangeTimeline(long wallAt, long exchangeAt, double speed) {
  public static final ExchangeTimeline REAL = new ExchangeTimeline(0, 0, 1);
  static final String FILE_NAME = "live-clock.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The wall time at which the exchange's clock showed {@code exchangeMillis}. */
  public long wallOf(long exchangeMillis) {
    return wallAt + Math.round((exchangeMillis - exchangeAt) / speed);
  }

  /** The exchange time at wall time {@code wallMillis}. */
  public long exchangeOf(long wallMillis) {
    return exchangeAt + Math.round((wallMillis - wallAt) * speed);
  }

  /** The timeline {@code live} left in {@code workdir}, else {@link #REAL}. */
  public static ExchangeTimeline readOrReal(Path workdir) throws IOException {
    Path file = workdir == null ? null : workdir.resolve(FILE_NAME);
    if (file == null || !Files.exists(file)) return REAL;
    return JSON.readValue(file.toFile(), ExchangeTimeline.class);
  }

  /** Saves it for {@code dashboard --workdir} and for the next {@code live} (atomically). */
  public void write(Path workdir) throws IOException {
    Path tmp = workdir.resolve(FILE_NAME + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, workdir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
