package io.marketlake.bench;

import io.marketlake.common.Cli;
import io.marketlake.ingest.IngestCommand;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.SimulatedClock;
import io.marketlake.stack.ExchangeOptions;
import io.marketlake.stack.SimulatedExchange;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * How much of an exchange's request-weight budget {@code ingest backfill} uses, and whether it
 * ever gets a 429: the real command, the real Kafka broker, and a simulated exchange that
 * enforces {@code limit} weight per real minute, as Binance does (6000 there). The limit is
 * scaled down so that a month of candles spans several minutes of pacing: at 6000 per minute the
 * same backfill fits in one minute and is never paced at all.
 */
final class BackfillBudget {
  static final Instant EXCHANGE_NOW = Instant.parse("2026-03-01T00:00:00Z");

  private final EmbeddedStack stack;
  private final int days;
  private final int symbolCount;
  private final int limit;

  BackfillBudget(EmbeddedStack stack, int days, int symbolCount, int limit) {
    this.stack = stack;
    this.days = days;
    this.symbolCount = symbolCount;
    this.limit = limit;
  }

  Figures.Section run() throws Exception {
    List<String> symbols = new ArrayList<>();
    for (int i = 0; i < symbolCount; i++) symbols.add("BENCH" + i + "USDT");
    String topic = stack.uniqueTopic("bench-backfill");
    Path state = Files.createTempDirectory(stack.workdir(), "backfill-state");
    try (SimulatedExchange exchange = SimulatedExchange.start(ExchangeOptions.defaults()
        .withClock(SimulatedClock.fixed(EXCHANGE_NOW)).withWeightLimit(limit))) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cmd = Cli.commandLine(new IngestCommand());
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      long started = System.nanoTime();
      int code = cmd.execute("backfill", "--base-url", exchange.baseUrl(),
          "--symbols", String.join(",", symbols),
          "--from", EXCHANGE_NOW.minus(Duration.ofDays(days)).toString(),
          "--to", EXCHANGE_NOW.toString(), "--weight-limit", Integer.toString(limit),
          "--bootstrap-servers", stack.endpoints().kafkaBootstrap(), "--topic", topic,
          "--state-dir", state.toString(), "--no-progress");
      double seconds = (System.nanoTime() - started) / 1e9;
      if (code != 0) throw new IllegalStateException("backfill failed: " + err);
      System.out.print(out);

      Map<Long, Integer> perWindow = exchange.weightPerWindow();
      List<Integer> used = new ArrayList<>(perWindow.values());
      // The first and last minute are partial (the run started and ran out of work in them).
      List<Integer> whole = used.size() > 2 ? used.subList(1, used.size() - 1) : used;
      double fraction = whole.stream().mapToInt(Integer::intValue).average().orElse(0) / limit;
      Figures.Table table = new Figures.Table("minute", "weight used", "of the limit");
      int i = 0;
      for (int w : used) {
        table.row(++i, w, Figures.format("%.0f%%", 100.0 * w / limit));
      }
      long candles = (long) days * 1440 * symbolCount;
      return new Figures.Section("Backfill against the weight budget",
          "bench/run.sh --only backfill",
          List.of(Figures.format("`ingest backfill` of %d days × %d symbols (%,d candles, %d"
                  + " requests of weight 2) to Kafka, exchange limit %d weight per minute:"
                  + " %.0f s, %d minutes of pacing", days, symbolCount, candles,
                  exchange.requests(), limit, seconds, used.size()),
              Figures.format("**budget used in the whole minutes: %.3f** (target ≥ 0.8: %s);"
                  + " **429s received: %d** (target 0: %s)", fraction,
                  fraction >= 0.8 ? "met" : "missed", exchange.rateLimited(),
                  exchange.rateLimited() == 0 ? "met" : "missed")),
          table.markdown());
    }
  }
}
