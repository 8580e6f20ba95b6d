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
import java.util.regex.Pattern;

/**
 * The symbols of a run: from {@code --symbols A,B} and/or a {@code --symbols-file}, normalised and
 * validated by the source's rules.
 */
final class SymbolList {
  /** How one source spells its symbols. */
  record Rule(Pattern pattern, boolean upperCase, String expected) {
    String normalise(String raw) {
      return upperCase ? raw.toUpperCase(Locale.ROOT) : raw.toLowerCase(Locale.ROOT);
    }
  }

  static final Rule BINANCE = new Rule(Symbols.BINANCE, true,
      "2-20 letters and digits, e.g. BTCUSDT");
  /** CoinGecko coin ids: lower-case words joined by hyphens. */
  static final Rule COINGECKO = new Rule(Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*"), false,
      "a CoinGecko coin id (lower-case letters, digits and hyphens), e.g. bitcoin or usd-coin");
  /** Yahoo tickers: AAPL, BRK-B, 0700.HK, ^GSPC (index), EURUSD=X (FX), ES=F (future), BTC-USD. */
  static final Rule YAHOO = new Rule(Pattern.compile("\\^?[A-Z0-9][A-Z0-9.\\-]{0,14}(=[A-Z])?"),
      true, "a Yahoo Finance ticker, e.g. AAPL, ^GSPC, EURUSD=X or BTC-USD");

  private SymbolList() {}

  static Rule rule(String source) {
    return switch (source) {
      case CoinGeckoSource.NAME -> COINGECKO;
      case YahooSource.NAME -> YAHOO;
      default -> BINANCE;
    };
  }

  /** Binance's rules: for callers that have no source yet. */
  static List<String> resolve(String commaSeparated, Path file) {
    return resolve(BINANCE, commaSeparated, file);
  }

  /** Both sources together, in order, without repeats; at least one symbol. */
  static List<String> resolve(Rule rule, String commaSeparated, Path file) {
    Set<String> out = new LinkedHashSet<>();
    if (commaSeparated != null) {
      for (String raw : commaSeparated.split(",")) add(rule, out, raw, " (--symbols)");
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
        add(rule, out, line, " in " + file + " line " + (i + 1) + " (--symbols-file)");
      }
    }
    if (out.isEmpty()) throw new UsageException(IngestErrors.noSymbols());
    return new ArrayList<>(out);
  }

  private static void add(Rule rule, Set<String> out, String raw, String where) {
    String trimmed = raw.trim();
    if (trimmed.isEmpty()) return;
    String symbol = rule.normalise(trimmed);
    if (symbol.length() > 60 || !rule.pattern().matcher(symbol).matches()) {
      throw new UsageException(IngestErrors.invalidSymbol(trimmed, where, rule.expected()));
    }
    out.add(symbol);
  }
}
