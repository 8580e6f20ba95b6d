package io.marketlake.launcher;

import io.marketlake.common.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of one {@code live} run on the local stack.
 *
 * @param workdir the stack, the lakehouse, checkpoints and the exchange's clock; reused by the
 *     next run, which resumes
 * @param exchangeSpeed exchange minutes per wall minute (60: one exchange minute per second)
 * @param history exchange time backfilled before polling starts, on the first run only: the
 *     first model needs labelled minutes
 * @param trigger micro-batch interval of bronze, silver and gold
 * @param scoreEvery the longest wait between two scoring rounds; a silver commit with new rows
 *     starts one at once
 * @param retrainEvery how often a new model is trained
 * @param port the dashboard's port on 127.0.0.1 (0: a free one)
 * @param services the real exchange, Kafka and lakehouse to use; null: live starts its own local
 *     stack with a simulated exchange
 */
public record LiveConfig(Path workdir, List<String> symbols, double exchangeSpeed,
    Duration history, Duration trigger, Duration scoreEvery, Duration retrainEvery, int port,
    long seed, int horizonMinutes, LiveServices services) {
  /** bronze, silver and gold's micro-batch interval; the freshness benchmark's too. */
  public static final String DEFAULT_TRIGGER = "500ms";

  public LiveConfig {
    symbols = List.copyOf(symbols);
    if (history.toMinutes() < 1) {
      throw new UsageException("--history must be at least 1m, got " + history);
    }
    if (trigger.isZero()) throw new UsageException("--trigger must be positive");
    if (scoreEvery.isZero()) throw new UsageException("--score-every must be positive");
    if (services != null && exchangeSpeed != 1) {
      throw new UsageException("--exchange-speed is for the simulated exchange only: a real"
          + " exchange runs at 1");
    }
    io.marketlake.dashboard.DashboardCommand.requirePort(port);
  }
}
