package io.marketlake.stack;

import io.marketlake.common.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves real kline dumps ({@code SYMBOL-1m-*.csv}, Binance's public dump format, with or without
 * the header line) exactly as recorded: prices keep their original strings. A replayed symbol has
 * candles only where its files do, as a symbol does before its listing; every other symbol falls
 * back to the seeded path, so a replay directory never narrows what the exchange can answer.
 */
final class ReplayCandles implements CandleSource {
  private static final Pattern FILE = Pattern.compile("([A-Z0-9]{2,20})-1m-.*\\.csv");
  /** Binance's spot dumps switched to microseconds in 2025; anything this large is not millis. */
  private static final long MICROS_THRESHOLD = 100_000_000_000_000L;

  private final Map<String, NavigableMap<Long, Candle>> bySymbol;
  private final CandleSource fallback;

  private ReplayCandles(Map<String, NavigableMap<Long, Candle>> bySymbol, CandleSource fallback) {
    this.bySymbol = bySymbol;
    this.fallback = fallback;
  }

  /**
   * Loads every {@code SYMBOL-1m-*.csv} in {@code dir}.
   *
   * @throws UsageException when the directory holds no such file or a line is malformed
   */
  static ReplayCandles load(Path dir, CandleSource fallback) {
    Map<String, NavigableMap<Long, Candle>> bySymbol = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.csv")) {
      for (Path file : files) {
        Matcher m = FILE.matcher(file.getFileName().toString());
        if (!m.matches()) continue;
        read(file, bySymbol.computeIfAbsent(m.group(1), s -> new TreeMap<>()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read replay directory " + dir, e);
    }
    if (bySymbol.isEmpty()) {
      throw new UsageException(StackErrors.noReplayFiles(dir));
    }
    return new ReplayCandles(bySymbol, fallback);
  }

  Set<String> symbols() {
    return Collections.unmodifiableSet(bySymbol.keySet());
  }

  @Override
  public List<Candle> candles(String symbol, long fromOpen, long toOpen, int limit) {
    NavigableMap<Long, Candle> series = bySymbol.get(symbol);
    if (series == null) return fallback.candles(symbol, fromOpen, toOpen, limit);
    List<Candle> out = new ArrayList<>();
    for (Candle c : series.subMap(fromOpen, true, toOpen, true).values()) {
      if (out.size() >= limit) break;
      out.add(c);
    }
    return out;
  }

  private static void read(Path file, NavigableMap<Long, Candle> into) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || !Character.isDigit(line.charAt(0))) continue; // header
        String[] f = line.split(",", -1);
        try {
          long openTime = Long.parseLong(f[0].trim());
          if (openTime > MICROS_THRESHOLD) openTime /= 1000;
          into.put(openTime, new Candle(openTime, f[1], f[2], f[3], f[4], f[5], f[7],
              Long.parseLong(f[8].trim()), f[9], f[10]));
        } catch (RuntimeException e) {
          throw new UsageException(StackErrors.badReplayLine(file, lineNo, line));
        }
      }
    }
  }
}
