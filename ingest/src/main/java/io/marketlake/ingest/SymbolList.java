package io.marketlake.ingest;

import io.marketlake.common.Symbols;
import io.marketlake.common.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The symbols of a run: from {@code --symbols A,B} and/or a {@code --symbols-file}, validated. */
final class SymbolList {
  private SymbolList() {}

  /** Both sources together, in order, without repeats; at least one symbol. */
  static List<String> resolve(String commaSeparated, Path file) {
    Set<String> out = new LinkedHashSet<>();
    if (commaSeparated != null) {
      for (String raw : commaSeparated.split(",")) add(out, raw, " (--symbols)");
    }
    if (file != null) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UsageException(IngestErrors.unreadableSymbolsFile(file, e));
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        int hash = line.indexOf('#');
        if (hash >= 0) line = line.substring(0, hash);
        add(out, line, " in " + file + " line " + (i + 1) + " (--symbols-file)");
      }
    }
    if (out.isEmpty()) throw new UsageException(IngestErrors.noSymbols());
    return new ArrayList<>(out);
  }

  private static void add(Set<String> out, String raw, String where) {
    String trimmed = raw.trim();
    if (trimmed.isEmpty()) return;
    String symbol = trimmed.toUpperCase(Locale.ROOT);
    if (!Symbols.BINANCE.matcher(symbol).matches()) {
      throw new UsageException(IngestErrors.invalidSymbol(trimmed, where));
    }
    out.add(symbol);
  }
}
