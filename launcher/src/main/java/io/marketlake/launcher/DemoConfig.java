package io.marketlake.launcher;

import io.marketlake.common.UsageException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * One demo run.
 *
 * @param lastDay the backfill covers the {@code days} whole UTC days before this one
 * @param keepRunning leave the local stack up (detached) when the demo ends
 */
public record DemoConfig(Path workdir, List<String> symbols, int days, LocalDate lastDay,
    long seed, int horizonMinutes, int folds, boolean keepRunning, boolean progress) {
  /** What {@code marketlake demo} runs without options (the benchmarks run the same). */
  public static final int DEFAULT_DAYS = 7;
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_FOLDS = 3;

  public DemoConfig {
    symbols = List.copyOf(symbols);
    if (days < 1 || days > 365) {
      throw new UsageException("--days must be 1 to 365, got " + days);
    }
  }
}
