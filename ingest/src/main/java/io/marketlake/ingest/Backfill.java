package io.marketlake.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies the closed 1m candles of {@code [from, to)} for every symbol from the exchange to Kafka:
 * pages of up to 1000 minutes, symbols in parallel, all paced by one {@link WeightBudget}. After
 * each acknowledged page the symbol's cursor for this exact range is saved, so running the same
 * range again (after Ctrl-C, a crash, a failed symbol) continues where it stopped. A backfill
 * never moves the poller's high-water mark: a backfilled range past a hole must not make the
 * poller skip the hole.
 *
 * <p>Only final candles are copied ({@link FinalCandles}): a {@code to} past the exchange's last
 * closed minute (by its own clock) is cut there, with one line saying so, and a cursor stops at a
 * candle the exchange answered as not final yet. Running the same range again later goes on from
 * there and fetches those minutes once they are closed.
 */
public final class Backfill {
  private final MarketSource source;
  private final CandleTransfer transfer;
  private final IngestState state;
  private final ActivityLog log;
  private final ProgressListener progress;
  private final Clock clock;
  private final ExchangeClock exchangeClock;
  private final int concurrency;
  private volatile boolean stopping;

  Backfill(MarketSource source, MarketPublisher publisher, IngestState state, ActivityLog log,
      ProgressListener progress, Clock clock, int concurrency) {
    this(source, publisher, state, log, progress, clock, Sleeper.SYSTEM, concurrency);
  }

  /** {@code sleeper} paces the retries when the exchange's time cannot be read. */
  Backfill(MarketSource source, MarketPublisher publisher, IngestState state, ActivityLog log,
      ProgressListener progress, Clock clock, Sleeper sleeper, int concurrency) {
    this.exchangeClock = new ExchangeClock(source::serverTimeMillis, clock, sleeper, log);
    this.source = source;
    this.transfer =
        new CandleTransfer(source, publisher, MarketPublisher.WRITER_BACKFILL, clock);
    this.state = state;
    this.log = log;
    this.progress = progress;
    this.clock = clock;
    this.concurrency = concurrency;
  }

  /**
   * In-process entry point (the launcher's demo): connects to the exchange and Kafka from {@code
   * config}, creates the topic if missing, backfills and returns the counts. Logs, and the
   * progress bar when {@code config.progress()} and stderr is a terminal, go to stderr.
   */
  public static BackfillResult run(IngestConfig config, Instant from, Instant to)
      throws InterruptedException {
    ProgressListener progress =
        config.progress() ? ProgressListener.console(System.err) : ProgressListener.NONE;
    return IngestRuntime.withStderrLog(config, rt -> new Backfill(rt.candleSource(),
        rt.publisher, rt.state, rt.log, progress, rt.clock, rt.sleeper, config.concurrency())
        .run(config.symbols(), from, to));
  }

  /** Asks a running backfill to finish its current pages and return; safe from any thread. */
  void stop() {
    stopping = true;
    exchangeClock.stop();
  }

  BackfillResult run(List<String> symbols, Instant from, Instant to) throws InterruptedException {
    long start = CandleTransfer.ceilMinute(from.toEpochMilli());
    long end = CandleTransfer.ceilMinute(to.toEpochMilli()); // names the range's saved cursors
    long began = clock.millis();
    IngestStats.Snapshot before = source.stats().snapshot();
    long stopAt = Math.max(start, Math.min(end, lastClosedEnd(to)));
    Map<String, Long> countsBefore = new LinkedHashMap<>();
    for (String symbol : symbols) countsBefore.put(symbol, source.stats().published(symbol));
    long perSymbol = Math.max(0, (stopAt - start) / CandleTransfer.MINUTE_MS);
    Map<String, Long> cursors = new LinkedHashMap<>();
    long done = 0;
    for (String symbol : symbols) {
      long cursor = Math.max(start, state.backfillCursor(symbol, start, end).orElse(start));
      cursors.put(symbol, cursor);
      done += (Math.min(cursor, stopAt) - start) / CandleTransfer.MINUTE_MS;
    }
    if (done > 0) log.info("resuming: " + done + " of " + perSymbol * symbols.size()
        + " minutes were already published by an earlier run of this range");
    progress.start(perSymbol * symbols.size(), done);
    Map<String, String> failures = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, daemon("backfill"));
    try {
      Map<String, Future<?>> tasks = new LinkedHashMap<>();
      for (String symbol : symbols) {
        tasks.put(symbol, pool.submit(() -> {
          backfillSymbol(symbol, cursors.get(symbol), start, end, stopAt, failures);
          return null;
        }));
      }
      for (Future<?> task : tasks.values()) {
        try {
          task.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      progress.close();
    }
    IngestStats stats = source.stats();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String symbol : symbols) {
      counts.put(symbol, stats.published(symbol) - countsBefore.get(symbol));
    }
    IngestStats.Snapshot run = stats.snapshot().since(before);
    return new BackfillResult(counts, failures, run.requests(), run.weight(),
        source.budget().peak(), source.budget().limit(), source.budget().windowsUsed(),
        run.retries(),
        run.rateLimited(), run.bans(), run.malformed(),
        Duration.ofMillis(clock.millis() - began), stopping);
  }

  /**
   * The end of the minutes to copy now: {@code to}'s minute, or the exchange's last closed minute
   * if that is earlier (then said in one line); the start of the range when stopped meanwhile.
   */
  private long lastClosedEnd(Instant to) throws InterruptedException {
    long exchangeNow;
    try {
      exchangeNow = exchangeClock.now();
    } catch (InterruptedException e) {
      if (!stopping) throw e;
      return Long.MIN_VALUE; // stopped while the exchange's time could not be read
    }
    long closedEnd = FinalCandles.closedEnd(exchangeNow);
    if (closedEnd < CandleTransfer.ceilMinute(to.toEpochMilli())) {
      log.info("backfill: --to " + to + " is after the exchange's last closed minute; stopping"
          + " before " + Instant.ofEpochMilli(closedEnd) + " (exchange time "
          + Instant.ofEpochMilli(exchangeNow) + "); run the same command again later for the rest");
    }
    return closedEnd;
  }

  private void backfillSymbol(String symbol, long cursor, long start, long end, long stopAt,
      Map<String, String> failures) throws InterruptedException {
    try {
      while (cursor < stopAt && !stopping) {
        long asked = transfer.pageEnd(cursor, stopAt);
        CandleTransfer.Page page = transfer.transfer(symbol, cursor, stopAt, this::closedBefore);
        state.backfillReached(symbol, start, end, page.coveredEnd());
        progress.advance((page.windowEnd() - cursor) / CandleTransfer.MINUTE_MS);
        if (page.coveredEnd() < page.windowEnd()) {
          log.info(symbol + ": the exchange serves nothing from "
              + Instant.ofEpochMilli(page.coveredEnd()) + " on yet: run the same backfill again"
              + " later to fetch the rest (poll fetches it too)");
          break;
        }
        cursor = page.windowEnd();
        if (cursor < asked) {
          log.info(symbol + ": stopping at " + Instant.ofEpochMilli(cursor) + ": the exchange"
              + " answered that candle as not final yet; run the same command again later");
          break;
        }
      }
    } catch (IOException | MarketPublisher.PublishException e) {
      failures.put(symbol, e.getMessage());
      log.warn(symbol + ": backfill stopped at " + Instant.ofEpochMilli(cursor) + ": "
          + e.getMessage() + " (the other symbols continue; run again to resume)");
    }
  }

  /** The exchange's current minute, asked only when an answer ends before its window does. */
  private long closedBefore() throws InterruptedException {
    return FinalCandles.closedEnd(exchangeClock.now());
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, "ingest-" + name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
