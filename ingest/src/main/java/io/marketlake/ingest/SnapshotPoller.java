package io.marketlake.ingest;

import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live polling of a {@link SnapshotSource}: at start and then at each minute boundary plus a small
 * delay, one request for all symbols; a snapshot is published only if its {@code open_time} (the
 * source's last-update time) is newer than the symbol's last published one, so each (symbol,
 * open_time) reaches Kafka once even when the source has not updated since the previous poll. A
 * failed request costs that cycle only.
 */
final class SnapshotPoller implements PollJob {
  static final long MINUTE_MS = 60_000;

  private final List<String> symbols;
  private final SnapshotSource source;
  private final MarketPublisher publisher;
  private final IngestState state;
  private final ActivityLog log;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pollDelay;
  private long failedFetches;
  private volatile boolean stopping;
  private volatile Thread loopThread;

  SnapshotPoller(List<String> symbols, SnapshotSource source, MarketPublisher publisher,
      IngestState state, ActivityLog log, Clock clock, Sleeper sleeper, Duration pollDelay) {
    this.symbols = List.copyOf(symbols);
    this.source = source;
    this.publisher = publisher;
    this.state = state;
    this.log = log;
    this.clock = clock;
    this.sleeper = sleeper;
    this.pollDelay = pollDelay;
  }

  @Override
  public void stop() {
    stopping = true;
    Thread thread = loopThread;
    if (thread != null) thread.interrupt();
  }

  @Override
  public PollResult run(long maxCycles, Instant until) throws InterruptedException {
    loopThread = Thread.currentThread();
    long began = clock.millis();
    IngestStats stats = source.stats();
    IngestStats.Snapshot before = stats.snapshot();
    Map<String, Long> counts = new LinkedHashMap<>();
    symbols.forEach(s -> counts.put(s, 0L));
    long untilMs = until == null ? Long.MAX_VALUE : until.toEpochMilli();
    long cycles = 0;
    try {
      while (!stopping && clock.millis() < untilMs) {
        runCycle(++cycles, counts);
        if (maxCycles > 0 && cycles >= maxCycles) break;
        long next = Math.floorDiv(clock.millis(), MINUTE_MS) * MINUTE_MS + MINUTE_MS
            + pollDelay.toMillis();
        while (!stopping && clock.millis() < Math.min(next, untilMs)) {
          sleeper.sleep(Duration.ofMillis(Math.min(next, untilMs) - clock.millis()));
        }
      }
    } catch (InterruptedException e) {
      if (!stopping) throw e;
    } finally {
      Thread.interrupted();
      publisher.flush();
      loopThread = null;
    }
    IngestStats.Snapshot run = stats.snapshot().since(before);
    return new PollResult(cycles, counts, failedFetches, run.requests(), run.weight(),
        run.retries(), run.rateLimited(), run.bans(), run.malformed(),
        Duration.ofMillis(clock.millis() - began), null, Map.of());
  }

  private void runCycle(long cycle, Map<String, Long> counts) throws InterruptedException {
    long started = System.nanoTime();
    long retriesBefore = source.stats().retries.get();
    List<MarketMessage> fresh = new ArrayList<>();
    String failure = "";
    try {
      for (MarketMessage snapshot : source.snapshots(symbols)) {
        long last = state.pollMark(snapshot.symbol()).orElse(Long.MIN_VALUE);
        if (snapshot.openTime() > last) fresh.add(snapshot);
      }
      publisher.publish(fresh, MarketPublisher.WRITER_POLL);
      for (MarketMessage m : fresh) {
        state.pollReached(m.symbol(), m.openTime());
        source.stats().published(m.symbol(), 1);
        counts.merge(m.symbol(), 1L, Long::sum);
      }
    } catch (IOException | MarketPublisher.PublishException e) {
      failedFetches++;
      fresh.clear();
      failure = ", failed: " + e.getMessage();
    }
    log.info(String.format("cycle %d at %s: %d symbols, %d new snapshots, %d ms, weight %d/%d,"
            + " retries %d%s", cycle, Instant.ofEpochMilli(clock.millis()), symbols.size(),
        fresh.size(), (System.nanoTime() - started) / 1_000_000, source.budget().usedInWindow(),
        source.budget().limit(), source.stats().retries.get() - retriesBefore, failure));
  }
}
