package io.marketlake.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live polling: at each minute boundary of the <em>exchange's</em> clock plus a small delay, asks
 * every symbol for the candles that closed since its high-water mark, and publishes each (symbol,
 * open_time) once. The mark ({@link IngestState#pollMark}) is contiguous: it moves only over
 * minutes the exchange answered (a candle, or a closed minute answered empty, published as {@code
 * no_candles}), and only the poller moves it. On start each symbol is first filled from its mark
 * up to the exchange's last closed minute (paged, paced by the weight budget, with a progress
 * bar), then polling goes live. A symbol without a mark starts where its backfills got to, or
 * else at the last closed minute.
 *
 * <p>A symbol whose answer stops short of the minutes that just closed (the exchange serves them
 * a moment late: a lagging replica or cache) is asked again within the cycle, after {@link
 * #FIRST_REASK} and then twice as long each time up to {@link #MAX_REASK_PAUSE}, for at most
 * {@link #REASK_WINDOW} and never past the next cycle: otherwise a candle served a second late
 * would wait a whole minute. Only when at most {@link #REASK_MAX_BEHIND} minutes are missing: a
 * delayed feed or a maintenance window is left to the next cycle, not hammered.
 *
 * <p>Symbols are fetched in parallel; a cycle waits for them only until the next cycle is due, and
 * a symbol still busy (slow, retrying, or paging through a long gap) is skipped until it finishes,
 * so one symbol never delays the others. A failed fetch, or an answer that stops short (the
 * exchange is late), leaves the mark in place: the next cycle asks again from it, so a failure
 * costs latency, never a minute. The last cycle (at {@code --until} or the last of {@code
 * maxCycles}) waits for the busy symbols and brings every symbol up to its end.
 */
public final class Poller implements PollJob {
  static final long MINUTE_MS = CandleTransfer.MINUTE_MS;
  static final Duration FIRST_REASK = Duration.ofMillis(250);
  static final Duration MAX_REASK_PAUSE = Duration.ofSeconds(2);
  static final Duration REASK_WINDOW = Duration.ofSeconds(20);
  static final int REASK_MAX_BEHIND = 2;

  private final List<String> symbols;
  private final MarketSource source;
  private final CandleTransfer transfer;
  private final MarketPublisher publisher;
  private final IngestState state;
  private final ActivityLog log;
  private final ExchangeClock exchangeClock;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pollDelay;
  private final int concurrency;
  private final ProgressListener progress;
  /** Per symbol, the next minute to ask for: one past the high-water mark. */
  private final Map<String, Long> cursors = new ConcurrentHashMap<>();
  private final AtomicLong failedFetches = new AtomicLong();
  /** Asks again within a cycle for minutes served late ({@link #FIRST_REASK}). */
  private final AtomicLong reasks = new AtomicLong();
  private volatile boolean stopping;
  private volatile Thread loopThread;

  Poller(List<String> symbols, MarketSource source, MarketPublisher publisher, IngestState state,
      ActivityLog log, ExchangeClock exchangeClock, Clock clock, Sleeper sleeper,
      Duration pollDelay, int concurrency, ProgressListener progress) {
    this.symbols = List.copyOf(symbols);
    this.source = source;
    this.transfer = new CandleTransfer(source, publisher, MarketPublisher.WRITER_POLL, clock);
    this.publisher = publisher;
    this.state = state;
    this.log = log;
    this.exchangeClock = exchangeClock;
    this.clock = clock;
    this.sleeper = sleeper;
    this.pollDelay = pollDelay;
    this.concurrency = concurrency;
    this.progress = progress;
  }

  /**
   * In-process entry point: polls until {@code maxCycles} cycles ran (0 = no limit) or the
   * exchange's clock passed {@code until} (null = no limit), then returns. Logs go to stderr.
   */
  public static PollResult run(IngestConfig config, long maxCycles, Instant until)
      throws InterruptedException {
    return IngestRuntime.withStderrLog(config, rt -> create(config, rt).run(maxCycles, until));
  }

  /**
   * The poll job for the configured source. Before it starts, each symbol's high-water mark is
   * reconciled with the poller's own records at the tail of the topic ({@link TopicTail}): a run
   * killed after Kafka acknowledged a page but before it saved its mark must not publish that
   * page twice.
   */
  static PollJob create(IngestConfig config, IngestRuntime rt) {
    warnAboutLegacyMarks(config.symbols(), rt.state, rt.log);
    Map<String, Long> inTopic = TopicTail.lastPolledMinutes(config.kafkaProperties(),
        config.topic(), rt.source.name(), config.symbols(),
        TopicTail.tailFor(rt.source, config.symbols().size()));
    inTopic.forEach((symbol, last) -> {
      if (rt.state.pollMark(symbol).orElse(Long.MIN_VALUE) < last) {
        rt.log.info(symbol + ": the topic already holds minutes up to " + Instant.ofEpochMilli(last)
            + ", past the saved resume point (an earlier run stopped before saving it): resuming"
            + " after it");
        rt.state.pollReached(symbol, last);
      }
    });
    if (rt.source instanceof SnapshotSource snapshots) {
      return new SnapshotPoller(config.symbols(), snapshots, rt.publisher, rt.state, rt.log,
          rt.clock, rt.sleeper, config.pollDelay());
    }
    ExchangeClock exchangeClock =
        new ExchangeClock(rt.source::serverTimeMillis, rt.clock, rt.sleeper, rt.log);
    ProgressListener progress =
        config.progress() ? ProgressListener.console(System.err, "fill") : ProgressListener.NONE;
    // One thread per symbol: a slow symbol must not hold a thread another symbol is waiting for.
    return new Poller(config.symbols(), rt.candleSource(), rt.publisher, rt.state, rt.log,
        exchangeClock, rt.clock, rt.sleeper, config.pollDelay(),
        Math.min(64, config.symbols().size()), progress);
  }

  /**
   * Earlier versions kept one {@code .last} mark that backfills raised too; it is taken as the
   * poll mark once. When a backfill range holds it, the poller may never have reached the minutes
   * before that range: say so, since nothing here can tell.
   */
  static void warnAboutLegacyMarks(List<String> symbols, IngestState state, ActivityLog log) {
    for (String symbol : symbols) {
      if (!state.pollMarkIsLegacy(symbol)) continue;
      long last = state.pollMark(symbol).getAsLong();
      for (long[] range : state.backfillRanges(symbol)) {
        if (range[0] <= last && last < range[1]) {
          log.warn(symbol + ": resuming after " + Instant.ofEpochMilli(last) + " from the .last"
              + " file of an earlier version, which the backfill of " + Instant.ofEpochMilli(
              range[0]) + " .. " + Instant.ofEpochMilli(range[1]) + " may have raised: minutes"
              + " before " + Instant.ofEpochMilli(range[0]) + " the poller had not reached are"
              + " not refetched (find and heal them with 'marketlake gaps --heal')");
        }
      }
    }
  }

  /** Asks the loop to finish the running cycle and return; safe from any thread. */
  @Override
  public void stop() {
    stopping = true;
    exchangeClock.stop();
    Thread thread = loopThread;
    if (thread != null) thread.interrupt(); // wakes the wait between cycles, not the fetches
  }

  @Override
  public PollResult run(long maxCycles, Instant until) throws InterruptedException {
    loopThread = Thread.currentThread();
    long began = clock.millis();
    IngestStats.Snapshot before = source.stats().snapshot();
    Map<String, Long> countsBefore = new LinkedHashMap<>();
    for (String symbol : symbols) countsBefore.put(symbol, source.stats().published(symbol));
    long untilMs = until == null ? Long.MAX_VALUE : CandleTransfer.ceilMinute(until.toEpochMilli());
    for (String symbol : symbols) {
      OptionalLong mark = state.pollMark(symbol);
      if (mark.isPresent()) {
        cursors.put(symbol, mark.getAsLong() + MINUTE_MS);
        continue;
      }
      OptionalLong backfilled = state.backfillsReached(symbol);
      if (backfilled.isPresent()) {
        log.info(symbol + ": no poll mark yet: starting where a backfill got to, "
            + Instant.ofEpochMilli(backfilled.getAsLong()));
        cursors.put(symbol, backfilled.getAsLong());
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(concurrency, Backfill.daemon("poll"));
    Map<String, Future<Integer>> inFlight = new LinkedHashMap<>();
    long cycles = 0;
    try {
      fill(untilMs, pool);
      while (!stopping) {
        long exchangeNow = exchangeClock.now();
        long lastClosed = FinalCandles.closedEnd(exchangeNow);
        long closedEnd = Math.min(lastClosed, untilMs);
        long nextCycle = lastClosed + MINUTE_MS + pollDelay.toMillis();
        runCycle(++cycles, closedEnd, lastClosed, inFlight, pool,
            exchangeClock.localWaitUntil(nextCycle, exchangeNow));
        if ((maxCycles > 0 && cycles >= maxCycles) || closedEnd >= untilMs) {
          catchUp(closedEnd, lastClosed, inFlight, pool);
          break;
        }
        awaitExchangeTime(nextCycle);
      }
    } catch (InterruptedException e) {
      if (!stopping) throw e;
    } finally {
      Thread.interrupted(); // the stop request is handled; let the drain below block normally
      pool.shutdown();
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("some symbols were still fetching after 60 s; their last page is not published");
        pool.shutdownNow();
      }
      publisher.flush();
      loopThread = null;
    }
    IngestStats stats = source.stats();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String symbol : symbols) {
      counts.put(symbol, stats.published(symbol) - countsBefore.get(symbol));
    }
    IngestStats.Snapshot run = stats.snapshot().since(before);
    Map<String, Long> nextMinutes = new LinkedHashMap<>();
    for (String symbol : symbols) {
      Long next = cursors.get(symbol);
      if (next != null) nextMinutes.put(symbol, next);
    }
    return new PollResult(cycles, counts, failedFetches.get(), run.requests(), run.weight(),
        run.retries(), run.rateLimited(), run.bans(), run.malformed(),
        Duration.ofMillis(clock.millis() - began), until, nextMinutes);
  }

  /**
   * Brings every symbol with a mark up to the exchange's last closed minute (or {@code untilMs})
   * before live polling starts, and sets where the others start: all symbols in parallel, paged
   * and paced by the weight budget, the minutes covered on the progress bar. A symbol that fails
   * here is logged and left at its mark; live polling asks again from there.
   */
  private void fill(long untilMs, ExecutorService pool) throws InterruptedException {
    long lastClosed = FinalCandles.closedEnd(exchangeClock.now());
    long fillEnd = Math.min(lastClosed, untilMs);
    Map<String, Long> behind = new LinkedHashMap<>();
    for (String symbol : symbols) {
      Long cursor = cursors.get(symbol);
      if (cursor != null && cursor < fillEnd) behind.put(symbol, (fillEnd - cursor) / MINUTE_MS);
    }
    // A symbol without a mark starts at the last closed minute, fetched by the first cycle.
    for (String symbol : symbols) cursors.putIfAbsent(symbol, fillEnd - MINUTE_MS);
    if (behind.isEmpty()) return;
    long minutes = behind.values().stream().mapToLong(Long::longValue).sum();
    log.info("filling " + minutes + " minutes of " + behind.size() + " symbols from their"
        + " high-water marks up to " + Instant.ofEpochMilli(fillEnd));
    long startedNanos = System.nanoTime();
    progress.start(minutes, 0);
    Map<String, Future<Integer>> started = new LinkedHashMap<>();
    try {
      for (String symbol : behind.keySet()) {
        started.put(symbol,
            pool.submit(() -> syncSymbol(symbol, fillEnd, lastClosed, 0, progress)));
      }
      int candles = 0;
      List<String> failed = new ArrayList<>();
      for (Map.Entry<String, Future<Integer>> entry : started.entrySet()) {
        candles += collect(entry.getKey(), entry.getValue(), failed);
      }
      log.info(String.format("filled up to %s: %d candles, %d ms%s", Instant.ofEpochMilli(fillEnd),
          candles, (System.nanoTime() - startedNanos) / 1_000_000,
          failed.isEmpty() ? "" : ", failed (live polling asks again): "
              + String.join("; ", failed)));
    } finally {
      progress.close();
    }
  }

  private void runCycle(long cycle, long closedEnd, long lastClosed,
      Map<String, Future<Integer>> inFlight, ExecutorService pool, Duration maxWait)
      throws InterruptedException {
    long startedNanos = System.nanoTime();
    long retriesBefore = source.stats().retries.get();
    long reasksBefore = reasks.get();
    long reaskUntil = clock.millis() + Math.min(REASK_WINDOW.toMillis(), maxWait.toMillis());
    List<String> busy = new ArrayList<>();
    Map<String, Future<Integer>> started = new LinkedHashMap<>();
    int candles = 0;
    List<String> failed = new ArrayList<>();
    for (String symbol : symbols) {
      Future<Integer> previous = inFlight.get(symbol);
      if (previous != null && !previous.isDone()) {
        busy.add(symbol);
        continue;
      }
      // A fetch that outlasted its own cycle is reported in the cycle that sees it done.
      if (previous != null) candles += collect(symbol, previous, failed);
      Future<Integer> task = pool.submit(
          () -> syncSymbol(symbol, closedEnd, lastClosed, reaskUntil, ProgressListener.NONE));
      inFlight.put(symbol, task);
      started.put(symbol, task);
    }
    long deadline = System.nanoTime() + Math.max(maxWait.toNanos(), 0);
    for (Map.Entry<String, Future<Integer>> entry : started.entrySet()) {
      try {
        entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        busy.add(entry.getKey());
        continue;
      } catch (ExecutionException e) {
        // collected below, with the successes
      }
      candles += collect(entry.getKey(), entry.getValue(), failed);
      inFlight.remove(entry.getKey());
    }
    long latencyMs = (System.nanoTime() - startedNanos) / 1_000_000;
    log.info(String.format("cycle %d up to %s: %d symbols, %d candles, %d ms, weight %d/%d,"
            + " retries %d%s%s%s", cycle, Instant.ofEpochMilli(closedEnd), started.size(),
        candles, latencyMs, source.budget().usedInWindow(), source.budget().limit(),
        source.stats().retries.get() - retriesBefore,
        reasks.get() == reasksBefore ? "" : ", asked again for late minutes "
            + (reasks.get() - reasksBefore) + " times",
        busy.isEmpty() ? "" : ", still busy: " + String.join(" ", busy),
        failed.isEmpty() ? "" : ", failed: " + String.join("; ", failed)));
  }

  /**
   * The last cycle's tail, so that a run ending at {@code --until} (or after its cycles) leaves
   * no symbol short of it: waits for the symbols still busy (their retries are bounded), then
   * brings each of them that is still behind up to {@code closedEnd}. A stop request ends it early;
   * what is left is fetched on the next start, from the resume state.
   */
  private void catchUp(long closedEnd, long lastClosed, Map<String, Future<Integer>> inFlight,
      ExecutorService pool) throws InterruptedException {
    long startedNanos = System.nanoTime();
    int candles = 0;
    List<String> failed = new ArrayList<>();
    List<String> wereBusy = new ArrayList<>(inFlight.keySet());
    for (Map.Entry<String, Future<Integer>> entry : inFlight.entrySet()) {
      candles += collect(entry.getKey(), entry.getValue(), failed);
    }
    inFlight.clear();
    // Only the busy ones: a symbol that failed in the last cycle already spent its retries.
    Map<String, Future<Integer>> started = new LinkedHashMap<>();
    for (String symbol : wereBusy) {
      if (!stopping && cursors.getOrDefault(symbol, closedEnd) < closedEnd) {
        started.put(symbol, pool.submit(
            () -> syncSymbol(symbol, closedEnd, lastClosed, 0, ProgressListener.NONE)));
      }
    }
    for (Map.Entry<String, Future<Integer>> entry : started.entrySet()) {
      candles += collect(entry.getKey(), entry.getValue(), failed);
    }
    if (candles == 0 && failed.isEmpty()) return;
    log.info(String.format("last cycle up to %s: caught up %s, %d candles, %d ms%s",
        Instant.ofEpochMilli(closedEnd), started.isEmpty() ? "-" : String.join(" ",
            started.keySet()), candles, (System.nanoTime() - startedNanos) / 1_000_000,
        failed.isEmpty() ? "" : ", failed: " + String.join("; ", failed)));
  }

  /**
   * Waits for one symbol's fetch and returns how many candles it published; a failure is counted
   * and added to {@code failed} (the others go on).
   */
  private int collect(String symbol, Future<Integer> fetch, List<String> failed)
      throws InterruptedException {
    try {
      return fetch.get();
    } catch (ExecutionException e) {
      failedFetches.incrementAndGet();
      failed.add(symbol + " (" + e.getCause().getMessage() + ")");
      return 0;
    }
  }

  /**
   * Publishes what the exchange answers for {@code symbol} from its mark up to {@code closedEnd},
   * raising the mark over each answered page; when the newest minutes are not served yet ({@code
   * lastClosed} is the exchange's current minute boundary), asks again until {@code reaskUntil}
   * (local clock; 0: not at all) and then leaves them to the next cycle.
   */
  private int syncSymbol(String symbol, long closedEnd, long lastClosed, long reaskUntil,
      ProgressListener bar)
      throws IOException, InterruptedException, MarketPublisher.PublishException {
    int published = 0;
    long cursor = cursors.get(symbol);
    long pause = FIRST_REASK.toMillis();
    while (cursor < closedEnd && !stopping) {
      long asked = transfer.pageEnd(cursor, closedEnd);
      CandleTransfer.Page page = transfer.transfer(symbol, cursor, closedEnd, () -> lastClosed);
      published += page.candles();
      if (page.coveredEnd() > cursor) {
        state.pollReached(symbol, page.coveredEnd() - MINUTE_MS);
        bar.advance((page.coveredEnd() - cursor) / MINUTE_MS);
        cursor = page.coveredEnd();
        cursors.put(symbol, cursor);
      }
      // Not served yet, or not final yet (the page ended at a forming candle).
      if (page.coveredEnd() < page.windowEnd() || page.windowEnd() < asked) {
        boolean justClosed = closedEnd - cursor <= REASK_MAX_BEHIND * MINUTE_MS;
        if (!justClosed || stopping || clock.millis() + pause > reaskUntil) break;
        sleeper.sleep(Duration.ofMillis(pause));
        reasks.incrementAndGet();
        pause = Math.min(2 * pause, MAX_REASK_PAUSE.toMillis());
      }
    }
    return published;
  }

  private void awaitExchangeTime(long target) throws InterruptedException {
    while (!stopping) {
      long now = exchangeClock.now();
      if (now >= target) return;
      sleeper.sleep(exchangeClock.sleepUntil(target, now));
    }
  }
}
