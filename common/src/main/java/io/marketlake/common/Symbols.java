package io.marketlake.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Parsing and validation of exchange symbols such as {@code BTCUSDT}. */
public final class Symbols {
  /** Binance-style symbols: upper-case letters and digits. */
  public static final Pattern BINANCE = Pattern.compile("[A-Z0-9]{2,20}");

  private Symbols() {}

  /**
   * Splits {@code "A,B, c"} into validated upper-case symbols, in order, without repeats.
   *
   * @throws UsageException naming the first bad symbol
   */
  public static List<String> parse(String commaSeparated) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String raw : commaSeparated.split(",")) {
      String symbol = raw.trim().toUpperCase(java.util.Locale.ROOT);
      if (symbol.isEmpty()) continue;
      if (!BINANCE.matcher(symbol).matches()) {
        throw new UsageException("Invalid symbol '" + raw.trim()
            + "': expected 2-20 letters and digits, e.g. BTCUSDT (--symbols)");
      }
      out.add(symbol);
    }
    if (out.isEmpty()) {
      throw new UsageException("No symbols given: pass --symbols, e.g. --symbols BTCUSDT,ETHUSDT");
    }
    return new ArrayList<>(out);
  }
}
