package io.marketlake.ingest;

import java.io.PrintStream;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress of a backfill, or of poll's start-up fill, in minutes covered (all symbols). */
interface ProgressListener extends AutoCloseable {
  ProgressListener NONE = new ProgressListener() {
    @Override
    public void start(long totalMinutes, long alreadyDone) {}

    @Override
    public void advance(long minutes) {}

    @Override
    public void close() {}
  };

  void start(long totalMinutes, long alreadyDone);

  void advance(long minutes);

  @Override
  void close();

  /** A bar with rate and ETA on {@code err}: only worth drawing on a terminal. */
  static ProgressListener console(PrintStream err) {
    return console(err, "backfill");
  }

  /** {@link #console(PrintStream)} with its own task name. */
  static ProgressListener console(PrintStream err, String task) {
    return new ProgressListener() {
      private ProgressBar bar;

      @Override
      public synchronized void start(long totalMinutes, long alreadyDone) {
        bar = new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(totalMinutes)
            .setUnit(" candles", 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250)
            .showSpeed()
            .setSpeedUnit(ChronoUnit.SECONDS)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .build();
        bar.stepTo(alreadyDone);
      }

      @Override
      public synchronized void advance(long minutes) {
        if (bar != null) bar.stepBy(minutes);
      }

      @Override
      public synchronized void close() {
        if (bar != null) bar.close();
      }
    };
  }
}
