package io.marketlake.ingest;

import io.marketlake.stack.ExchangeOptions;
import io.marketlake.stack.SimulatedExchange;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How much of an exchange's weight budget a backfill uses, and whether it ever gets a 429: a
 * backfill of DAYS × SYMBOLS against an in-process simulated exchange that enforces a weight
 * limit per window, with the client paced for the same limit and window. The window defaults to
 * Binance's minute; a short one with a proportionally small limit runs the same pacing over many
 * windows in seconds. Messages go to a {@link MockProducer}: Kafka is not what is measured.
 *
 * <pre>java -cp ... io.marketlake.ingest.BackfillBenchmark [DAYS SYMBOLS LIMIT WINDOW]</pre>
 * e.g. {@code 30 5 40 2s} (the defaults) or {@code 30 5 6000 1m} (Binance's real budget).
 */
final class BackfillBenchmark {
  static final Instant EXCHANGE_NOW = Instant.parse("2026-03-01T00:00:00Z");

  /** What one run measured; {@code weightPerWindow} is the exchange's own count per window. */
  record Result(long candles, long requests, long clientSaw429, long exchangeSent429,
      Map<Long, Integer> weightPerWindow, int limit, Duration window, Duration wallTime) {

    /**
     * Mean use of the budget over the windows the backfill spanned entirely: all but the first
     * (it started part-way through) and the last (the work ran out).
     */
    double budgetFraction() {
      List<Integer> used = new ArrayList<>(weightPerWindow.values());
      if (used.size() > 2) used = used.subList(1, used.size() - 1);
      return used.stream().mapToInt(Integer::intValue).average().orElse(0) / limit;
    }

    String report() {
      StringBuilder out = new StringBuilder();
      out.append(String.format("candles %d, requests %d, 429s received %d (exchange sent %d),"
              + " wall time %.1f s%n", candles, requests, clientSaw429, exchangeSent429,
          wallTime.toMillis() / 1000.0));
      out.append(String.format("weight limit %d per %s window; used weight per window:%n", limit,
          window));
      long first = weightPerWindow.keySet().stream().findFirst().orElse(0L);
      weightPerWindow.forEach((start, weight) -> out.append(String.format(
          "  window +%6.1f s  %5d  (%3.0f%%)%n", (start - first) / 1000.0, weight,
          100.0 * weight / limit)));
      out.append(String.format("fraction of the budget used in the windows the backfill spanned"
          + " entirely: %.3f", budgetFraction()));
      return out.toString();
    }
  }

  private BackfillBenchmark() {}

  static Result run(int days, int symbolCount, int limit, Duration window) throws Exception {
    List<String> symbols = new ArrayList<>();
    for (int i = 0; i < symbolCount; i++) symbols.add("BENCH" + i + "USDT");
    ExchangeOptions options = ExchangeOptions.defaults()
        .withClock(io.marketlake.stack.SimulatedClock.fixed(EXCHANGE_NOW))
        .withWeightLimit(limit).withWeightWindow(window);
    ActivityLog log = new ActivityLog(new PrintWriter(System.err, true), Clock.systemUTC());
    try (SimulatedExchange exchange = SimulatedExchange.start(options)) {
      OkHttpClient client = ExchangeHttp.newClient(Duration.ofSeconds(10));
      try {
        IngestStats stats = new IngestStats();
        WeightBudget budget = new WeightBudget(limit, 0.9, window.toMillis(), Clock.systemUTC(),
            Sleeper.SYSTEM);
        ExchangeHttp http = new ExchangeHttp(client, budget, RetryPolicy.defaults(),
            Clock.systemUTC(), Sleeper.SYSTEM, stats, log);
        BinanceSource source = new BinanceSource(HttpUrl.get(exchange.baseUrl()), http, stats,
            Clock.systemUTC());
        MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
        Backfill backfill = new Backfill(source, new MarketPublisher(producer, "bench"),
            IngestState.inMemory(), log, ProgressListener.NONE, Clock.systemUTC(),
            IngestConfig.defaultConcurrency(symbols.size()));
        BackfillResult result = backfill.run(symbols,
            EXCHANGE_NOW.minus(Duration.ofDays(days)), EXCHANGE_NOW);
        if (!result.succeeded()) throw new IllegalStateException(result.summary());
        return new Result(result.candles(), result.requests(), result.rateLimited(),
            exchange.rateLimited(), exchange.weightPerWindow(), limit, window, result.elapsed());
      } finally {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int symbols = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    Duration window = TimeArgs.duration("WINDOW", args.length > 3 ? args[3] : "2s");
    System.out.printf("backfill benchmark: %d days x %d symbols, weight limit %d per %s%n", days,
        symbols, limit, window);
    System.out.println(run(days, symbols, limit, window).report());
  }
}
