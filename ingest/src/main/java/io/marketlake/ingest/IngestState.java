package io.marketlake.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where ingest resumes from, per (source, topic, symbol). Small text files, each one number,
 * written atomically and only after Kafka acknowledged the messages they cover:
 *
 * <ul>
 *   <li>{@code SYMBOL.poll-hwm}: the poller's high-water mark, the open time of the newest minute
 *       up to which the poller has every minute answered (a candle or a {@code no_candles}
 *       range). Only the poller moves it; it continues after it.
 *   <li>{@code SYMBOL.backfill-FROM-TO}: where a backfill of exactly that range got to, so the same
 *       command run again after Ctrl-C skips what is done. A backfill touches nothing else.
 * </ul>
 *
 * {@code SYMBOL.last}, written by earlier versions for poll and backfill alike, is read once, as
 * the poll mark of a symbol that has none yet, and never written (see {@link #pollMark}). A crash
 * between Kafka's acknowledgement and the file write re-publishes at most one page of candles on
 * restart; consumers deduplicate by (symbol, open_time). With no directory the state lives in
 * memory only (in-process runs and tests).
 */
final class IngestState {
  static final String POLL_MARK = ".poll-hwm";
  static final String LEGACY_LAST = ".last";

  private final Path dir;
  private final Map<String, Long> memory = new ConcurrentHashMap<>();

  private IngestState(Path dir) {
    this.dir = dir;
  }

  static IngestState inMemory() {
    return new IngestState(null);
  }

  /** State under {@code root/source/topic/}. */
  static IngestState under(Path root, String source, String topic) {
    return new IngestState(root.resolve(source).resolve(topic));
  }

  /**
   * The poller's high-water mark of {@code symbol}. Without one, the {@code .last} file of an
   * earlier version stands in: it is the best record of where the poller was, though a backfill
   * may have raised it past minutes the poller never fetched (the completeness ledger shows those).
   */
  OptionalLong pollMark(String symbol) {
    OptionalLong mark = read(symbol + POLL_MARK);
    return mark.isPresent() ? mark : read(symbol + LEGACY_LAST);
  }

  /** True when {@link #pollMark} comes from an old {@code .last} file, not the poller's own. */
  boolean pollMarkIsLegacy(String symbol) {
    return read(symbol + POLL_MARK).isEmpty() && read(symbol + LEGACY_LAST).isPresent();
  }

  /** Raises the poller's mark to {@code openTime}; never lowers it. Only the poller calls this. */
  synchronized void pollReached(String symbol, long openTime) {
    OptionalLong current = read(symbol + POLL_MARK);
    if (current.isEmpty() || openTime > current.getAsLong()) write(symbol + POLL_MARK, openTime);
  }

  /**
   * The furthest any backfill of {@code symbol} got (exclusive), where a poller without a mark of
   * its own starts, so that "backfill, then poll" leaves no hole between the two.
   */
  OptionalLong backfillsReached(String symbol) {
    return backfillRanges(symbol).stream()
        .mapToLong(range -> backfillCursor(symbol, range[0], range[1]).orElse(range[0]))
        .max();
  }

  /** The backfill ranges with a cursor file for {@code symbol}, as {from, to} pairs. */
  List<long[]> backfillRanges(String symbol) {
    String prefix = symbol + ".backfill-";
    List<long[]> ranges = new ArrayList<>();
    Consumer<String> add = name -> {
      if (!name.startsWith(prefix) || name.endsWith(".tmp")) return;
      String[] bounds = name.substring(prefix.length()).split("-");
      if (bounds.length != 2) return;
      try {
        ranges.add(new long[] {Long.parseLong(bounds[0]), Long.parseLong(bounds[1])});
      } catch (NumberFormatException e) {
        // not a cursor file of ours
      }
    };
    if (dir == null) {
      memory.keySet().forEach(add);
      return ranges;
    }
    if (!Files.isDirectory(dir)) return ranges;
    try (Stream<Path> files = Files.list(dir)) {
      files.map(f -> f.getFileName().toString()).forEach(add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list ingest state under " + dir, e);
    }
    return ranges;
  }

  OptionalLong backfillCursor(String symbol, long from, long to) {
    return read(backfillName(symbol, from, to));
  }

  void backfillReached(String symbol, long from, long to, long cursor) {
    write(backfillName(symbol, from, to), cursor);
  }

  private static String backfillName(String symbol, long from, long to) {
    return symbol + ".backfill-" + from + "-" + to;
  }

  private OptionalLong read(String name) {
    if (dir == null) {
      Long value = memory.get(name);
      return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }
    try {
      String text = Files.readString(dir.resolve(name), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("Cannot read ingest state " + dir.resolve(name) + ": "
          + e.getMessage() + " (delete the file to start that symbol over)", e);
    }
  }

  private void write(String name, long value) {
    if (dir == null) {
      memory.put(name, value);
      return;
    }
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(name + ".tmp");
      Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write ingest state under " + dir, e);
    }
  }
}
