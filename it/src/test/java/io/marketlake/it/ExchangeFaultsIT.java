package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.CommandRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.SimulatedClock;
import io.marketlake.stack.ExchangeFaults;
import io.marketlake.stack.ExchangeOptions;
import io.marketlake.stack.SimulatedExchange;
import io.marketlake.stack.StackOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's exchange test: an exchange that answers 429, bans with 418, fails with 5xx,
 * holds answers past the client's timeout, cuts JSON off and repeats candles, through a backfill
 * and live polling; silver must still hold every minute exactly once, each candle equal to what a
 * fault-free exchange with the same seed serves, and the completeness ledger shows 100% for
 * every symbol.
 */
class ExchangeFaultsIT {
  static final long SEED = 11;
  static final Instant START = Instant.parse("2026-02-03T00:00:00Z");
  static final Instant BACKFILL_FROM = START.minus(Duration.ofDays(2));
  /** Live polling covers the first 30 exchange minutes after START, at 60× real time. */
  static final Instant POLL_UNTIL = START.plus(Duration.ofMinutes(30));
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  static final String FAULTS =
      "429=0.05,418=0.03,5xx=0.10,timeout=0.05,malformed=0.10,duplicate=0.10,late=0.10";

  @TempDir Path workdir;

  @Test
  void silverIsCompleteAndCorrectWhateverTheExchangeDoes() throws Exception {
    ExchangeFaults faults = ExchangeFaults.parse(FAULTS, Duration.ofSeconds(1),
        Duration.ofMillis(2500), SEED);
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(SEED)
        .withExchangeSpeed(60).withExchangeStart(START).withExchangeFaults(faults))) {
      StackLayers layers = new StackLayers(stack);
      String symbols = String.join(",", SYMBOLS);

      CommandRun backfill = layers.ingest("backfill", "--symbols", symbols,
          "--from", BACKFILL_FROM.toString(), "--to", START.toString(),
          "--request-timeout", "1s", "--max-retries", "10");
      System.out.println(backfill.err() + backfill.out());
      assertThat(backfill.exitCode()).as(backfill.err()).isZero();
      CommandRun poll = layers.ingest("poll", "--symbols", symbols,
          "--until", POLL_UNTIL.toString(), "--poll-delay", "1s",
          "--request-timeout", "1s", "--max-retries", "10");
      System.out.println(poll.err() + poll.out());
      assertThat(poll.exitCode()).as(poll.err()).isZero();

      long bronzeRows = layers.bronze().rowsWritten();
      io.marketlake.silver.SilverJob.SilverResult silverRun = layers.silver();
      System.out.printf("FAULT-SUMMARY silver: %d batches in %.1f s, of which the ledger %.1f s"
          + " (%d symbol-days)%n", silverRun.batches(), silverRun.millis() / 1000.0,
          silverRun.ledgerMillis() / 1000.0, silverRun.ledgerDays());

      Map<ExchangeFaults.Kind, Long> injected = stack.exchange().orElseThrow().injectedFaults();
      assertThat(injected).as("every kind of fault was injected")
          .allSatisfy((kind, n) -> assertThat(n).as(kind.spec()).isPositive());
      Map<String, TreeMap<Long, Row>> silver = layers.silverCandles();
      Map<String, TreeMap<Long, JsonNode>> expected = cleanExchangeCandles(
          BACKFILL_FROM.toEpochMilli(), POLL_UNTIL.toEpochMilli());
      long mismatches = 0;
      for (String symbol : SYMBOLS) {
        assertThat(silver.get(symbol).keySet()).as(symbol)
            .containsExactlyElementsOf(expected.get(symbol).keySet());
        for (Map.Entry<Long, JsonNode> e : expected.get(symbol).entrySet()) {
          if (!sameCandle(silver.get(symbol).get(e.getKey()), e.getValue())) mismatches++;
        }
      }
      assertThat(mismatches).isZero();
      assertThat(layers.count(layers.lakehouse.silverQuarantine())).isZero();
      // The ledger agrees: every minute of every symbol's span is present.
      List<CompletenessReport.SymbolCompleteness> ledger =
          CompletenessReport.read(layers.spark, layers.lakehouse);
      System.out.println("FAULT-SUMMARY ledger: " + ledger.stream()
          .map(CompletenessReport.SymbolCompleteness::summary).toList());
      assertThat(ledger).extracting(CompletenessReport.SymbolCompleteness::summary)
          .containsExactlyElementsOf(SYMBOLS.stream()
              .map(symbol -> symbol + " 100.00% (no missing minutes)").toList());
      long candles = expected.values().stream().mapToLong(TreeMap::size).sum();
      System.out.printf("FAULT-SUMMARY exchange: injected %s; bronze %d rows for %d candles;"
          + " silver %d candles, %d missing, %d wrong, 0 quarantined%n",
          injected, bronzeRows, candles, candles, 0, mismatches);
    }
  }

  /** Every candle of [from, until) as a fault-free exchange with the same seed serves it. */
  static Map<String, TreeMap<Long, JsonNode>> cleanExchangeCandles(long from, long until)
      throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    Map<String, TreeMap<Long, JsonNode>> out = new TreeMap<>();
    try (SimulatedExchange clean = SimulatedExchange.start(ExchangeOptions.defaults()
        .withSeed(SEED).withClock(SimulatedClock.fixed(Instant.ofEpochMilli(until))))) {
      for (String symbol : SYMBOLS) {
        TreeMap<Long, JsonNode> candles = new TreeMap<>();
        for (long page = from; page < until; page += 1000 * StackLayers.MINUTE_MS) {
          String url = clean.baseUrl() + "/api/v3/klines?interval=1m&limit=1000&symbol=" + symbol
              + "&startTime=" + page + "&endTime=" + (until - 1);
          for (JsonNode k : json.readTree(http.send(HttpRequest.newBuilder(URI.create(url))
              .build(), HttpResponse.BodyHandlers.ofString()).body())) {
            candles.put(k.get(0).asLong(), k);
          }
        }
        out.put(symbol, candles);
      }
    }
    return out;
  }

  static boolean sameCandle(Row silver, JsonNode kline) {
    String[] columns = {"open", "high", "low", "close", "volume"};
    for (int i = 0; i < columns.length; i++) {
      if (silver.<BigDecimal>getAs(columns[i]).compareTo(new BigDecimal(kline.get(i + 1).asText()))
          != 0) {
        return false;
      }
    }
    return silver.<BigDecimal>getAs("quote_volume").compareTo(new BigDecimal(kline.get(7).asText()))
        == 0 && silver.<Long>getAs("trades") == kline.get(8).asLong();
  }
}
