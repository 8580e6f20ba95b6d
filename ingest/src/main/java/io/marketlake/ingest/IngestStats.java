package io.marketlake.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by every thread talking to one exchange; read for log lines and summaries. */
final class IngestStats {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong weight = new AtomicLong();
  final AtomicLong retries = new AtomicLong();
  final AtomicLong rateLimited = new AtomicLong();
  final AtomicLong bans = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  /** Data points the source sent without a usable value (Yahoo's null minutes, unpriced ids). */
  final AtomicLong skipped = new AtomicLong();
  private final Map<String, LongAdder> published = new ConcurrentHashMap<>();

  void published(String symbol, long count) {
    published.computeIfAbsent(symbol, s -> new LongAdder()).add(count);
  }

  long published(String symbol) {
    LongAdder adder = published.get(symbol);
    return adder == null ? 0 : adder.sum();
  }

  long publishedTotal() {
    return published.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** The counters now, to report one run's share of a longer-lived source's totals. */
  Snapshot snapshot() {
    return new Snapshot(requests.get(), weight.get(), retries.get(), rateLimited.get(), bans.get(),
        malformed.get());
  }

  /** Counter values at one moment; {@link #since} gives the difference to an earlier one. */
  record Snapshot(long requests, long weight, long retries, long rateLimited, long bans,
      long malformed) {
    Snapshot since(Snapshot earlier) {
      return new Snapshot(requests - earlier.requests, weight - earlier.weight,
          retries - earlier.retries, rateLimited - earlier.rateLimited, bans - earlier.bans,
          malformed - earlier.malformed);
    }
  }

  /** Published counts per symbol, sorted by symbol. */
  Map<String, Long> publishedPerSymbol() {
    Map<String, Long> out = new TreeMap<>();
    published.forEach((symbol, adder) -> out.put(symbol, adder.sum()));
    return out;
  }
}
