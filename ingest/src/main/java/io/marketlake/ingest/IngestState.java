package io.marketlake.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where ingest resumes from, per (source, topic, symbol). Two small text files, each one number,
 * written atomically and only after Kafka acknowledged the messages they cover:
 *
 * <ul>
 *   <li>{@code SYMBOL.last}: the highest open time published (the poller continues after it);
 *   <li>{@code SYMBOL.backfill-FROM-TO}: where a backfill of exactly that range got to, so the same
 *       command run again after Ctrl-C skips what is done.
 * </ul>
 *
 * A crash between Kafka's acknowledgement and the file write re-publishes at most one page of
 * candles on restart; consumers deduplicate by (symbol, open_time). With no directory the state
 * lives in memory only (in-process runs and tests).
 */
final class IngestState {
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

  OptionalLong lastPublished(String symbol) {
    return read(symbol + ".last");
  }

  /** Raises the high-water mark; a backfill of an older range never lowers it. */
  synchronized void published(String symbol, long openTime) {
    OptionalLong current = lastPublished(symbol);
    if (current.isEmpty() || openTime > current.getAsLong()) write(symbol + ".last", openTime);
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
