package io.marketlake.ingest;

import java.nio.file.Path;
import java.util.List;

/** Every user-facing error message of the ingest module, in one place; tests assert them exactly. */
final class IngestErrors {
  private IngestErrors() {}

  static String unknownSource(String source, List<String> known) {
    return "Unknown source '" + source + "': expected one of " + String.join(", ", known)
        + " (--source)";
  }

  static String invalidSymbol(String symbol, String where, String expected) {
    return "Invalid symbol '" + symbol + "'" + where + ": expected " + expected;
  }

  static String noHistory(String source) {
    return "Source '" + source + "' has no 1m history to backfill (it only reports the current"
        + " price): use 'ingest poll --source " + source + "', or backfill from binance or yahoo";
  }

  static String yahooTooOld(String from, java.time.Instant oldest) {
    return "--from " + from + " is older than Yahoo Finance keeps 1m data (about 30 days, so from "
        + oldest + " on): choose a later --from";
  }

  static String yahooSkipped(String symbol, java.time.Instant from, java.time.Instant oldest) {
    return "yahoo " + symbol + ": minutes " + from + " to " + oldest + " (exclusive) are older than"
        + " Yahoo Finance keeps 1m data (30 days; it answers HTTP 422): skipped, they stay missing";
  }

  static String yahooRejected(String symbol, String reported) {
    return "Yahoo Finance rejected " + symbol + ": " + reported;
  }

  static String badVsCurrency(String value) {
    return "Invalid --vs-currency '" + value + "': expected a CoinGecko currency code such as usd,"
        + " eur or btc";
  }

  static String noSymbols() {
    return "No symbols given: pass --symbols BTCUSDT,ETHUSDT or --symbols-file FILE";
  }

  static String unreadableSymbolsFile(Path file, Exception e) {
    return "Cannot read symbols file '" + file + "' (" + reason(e)
        + "): --symbols-file expects a text file with one symbol per line";
  }

  static String badKafkaProperty(String pair) {
    return "Invalid --kafka-property '" + pair
        + "': expected KEY=VALUE, e.g. --kafka-property security.protocol=SASL_SSL";
  }

  static String unreadableKafkaConfig(Path file, Exception e) {
    return "Cannot read --kafka-config '" + file + "' (" + reason(e)
        + "): expected a Java properties file of Kafka client settings";
  }

  static String badTime(String option, String value) {
    return "Invalid " + option + " '" + value
        + "': expected an ISO date (2026-02-01, UTC midnight) or instant (2026-02-01T00:00:00Z)";
  }

  static String emptyRange(String from, String to) {
    return "--from " + from + " is not before --to " + to
        + ": the range is [from, to), so --from must be earlier than --to";
  }

  static String badBaseUrl(String value) {
    return "Invalid --base-url '" + value + "': expected an http(s) URL, e.g. https://api.binance.com";
  }

  static String mustBePositive(String option, long value) {
    return "Invalid " + option + " " + value + ": must be at least 1";
  }

  static String kafkaUnreachable(String bootstrap, long seconds) {
    return "Cannot reach Kafka at " + bootstrap + " after " + seconds
        + " s: is the broker running? (--bootstrap-servers)";
  }

  static String topicNotCreated(String topic, String bootstrap, Throwable cause) {
    return "Cannot create topic '" + topic + "' on " + bootstrap + ": " + cause.getMessage()
        + " (create it yourself, or check the client's ACLs)";
  }

  static String publishFailed(String topic, Throwable cause) {
    return "Kafka refused a message for topic '" + topic + "': " + cause.getMessage();
  }

  static String symbolsFailed(List<String> failures) {
    return failures.size() + " symbol(s) failed: " + String.join("; ", failures);
  }

  private static String reason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
