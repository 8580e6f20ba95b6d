package io.marketlake.launcher;

import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Topics;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.common.spark.CompletenessReport.MissingRange;
import io.marketlake.common.spark.CompletenessReport.SymbolCompleteness;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.ingest.Backfill;
import io.marketlake.ingest.BackfillResult;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.ingest.TimeArgs;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gaps}: the missing minutes of the completeness ledger, per source and symbol, and with
 * {@code --heal} a backfill of exactly those ranges into Kafka. The ledger itself changes only
 * when bronze and silver next run.
 */
@Command(name = "gaps", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the minutes the completeness ledger (silver/completeness) has neither a"
        + " candle nor an exchange's empty answer for; with --heal, backfill exactly those"
        + " ranges from the exchange into Kafka.",
        "The ledger shows the healed minutes after bronze and silver run next."})
public final class GapsCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--heal", description = "Backfill every listed range into Kafka.")
  boolean heal;

  @Option(names = "--symbols", paramLabel = "A,B",
      description = "Only these symbols (default: every symbol of the ledger).")
  String symbols;

  @Option(names = "--from", paramLabel = "DATE|INSTANT",
      description = "Only missing minutes from here on: 2026-02-01 or 2026-02-01T10:00:00Z.")
  String from;

  @Option(names = "--to", paramLabel = "DATE|INSTANT",
      description = "Only missing minutes before this (exclusive).")
  String to;

  @Option(names = "--base-url", paramLabel = "URL", description = "--heal: the exchange's API."
      + " Precedence: this option, then (binance) exchange_url of --workdir's stack.json, then"
      + " the source's public API.")
  String baseUrl;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "--heal: Kafka."
      + " Precedence: this option, then --workdir's stack.json.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "NAME", description = "--heal: the topic. Precedence:"
      + " this option, then --workdir's stack.json, then " + Topics.MARKET_DATA + ".")
  String topic;

  @Spec CommandSpec spec;

  /** Which part of the ledger to show. */
  record Selection(Set<String> symbols, Instant from, Instant to) {
    static final Selection ALL = new Selection(Set.of(), Instant.MIN, Instant.MAX);

    boolean includes(String symbol) {
      return symbols.isEmpty() || symbols.contains(symbol);
    }
  }

  Selection toSelection() {
    Instant start = from == null ? Instant.MIN : TimeArgs.instant("--from", from);
    Instant end = to == null ? Instant.MAX : TimeArgs.instant("--to", to);
    if (!start.isBefore(end)) {
      throw new UsageException("--from " + from + " is not before --to " + to);
    }
    Set<String> chosen = symbols == null ? Set.of() : Arrays.stream(symbols.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    return new Selection(chosen, start, end);
  }

  /** The selected missing ranges, clipped to {@code [from, to)}. Pure. */
  static List<MissingRange> missing(List<SymbolCompleteness> ledger, Selection selection) {
    List<MissingRange> out = new ArrayList<>();
    for (SymbolCompleteness s : ledger) {
      if (!selection.includes(s.symbol())) continue;
      for (MissingRange r : s.missing()) {
        Instant start = r.start().isAfter(selection.from()) ? r.start() : selection.from();
        Instant end = r.endExclusive().isBefore(selection.to()) ? r.endExclusive()
            : selection.to();
        if (start.isBefore(end)) out.add(new MissingRange(r.source(), r.symbol(), start, end));
      }
    }
    return out;
  }

  /** The per-symbol summary, then one line per missing range (or "no missing minutes"). */
  static void print(List<SymbolCompleteness> ledger, Selection selection,
      List<MissingRange> missing, PrintWriter out) {
    out.println("Completeness per symbol (present of expected minutes):");
    ledger.stream().filter(s -> selection.includes(s.symbol()))
        .forEach(s -> out.printf("  %-10s %s%n", s.source(), s.summary()));
    if (missing.isEmpty()) {
      out.println("no missing minutes");
      return;
    }
    out.println("Missing ranges (UTC, end exclusive):");
    out.printf("  %-10s %-12s %-22s %-22s %8s%n", "source", "symbol", "from", "to", "minutes");
    for (MissingRange r : missing) {
      out.printf("  %-10s %-12s %-22s %-22s %8d%n", r.source(), r.symbol(), r.start(),
          r.endExclusive(), r.minutes());
    }
    out.printf("%d missing minutes in %d ranges%n",
        missing.stream().mapToLong(MissingRange::minutes).sum(), missing.size());
  }

  @Override
  public Integer call() throws Exception {
    Selection selection = toSelection();
    LayerContext ctx = LayerContext.open("marketlake-gaps", lakehouse);
    SparkSession spark = ctx.spark();
    Lakehouse location = ctx.tables();
    StackEndpoints stack = lakehouse.stack();
    if (!CompletenessReport.exists(spark, location)) {
      throw new UsageException("No completeness ledger at " + location.silverCompleteness()
          + ": run silver first");
    }
    List<SymbolCompleteness> ledger = CompletenessReport.read(spark, location);
    List<MissingRange> missing = missing(ledger, selection);
    PrintWriter out = spec.commandLine().getOut();
    print(ledger, selection, missing, out);
    if (heal && missing.isEmpty()) out.println("nothing to heal");
    if (heal && !missing.isEmpty()) heal(missing, stack, out);
    out.flush();
    return Cli.OK;
  }

  /** Backfills each range from its source's exchange; in-memory cursors: the ledger resumes. */
  private void heal(List<MissingRange> missing, StackEndpoints stack, PrintWriter out)
      throws InterruptedException {
    String kafka = StackEndpoints.pick(bootstrapServers, stack, StackEndpoints::kafkaBootstrap,
        null);
    if (kafka == null) {
      throw new UsageException("--heal needs Kafka: pass --bootstrap-servers HOST:PORT"
          + " (or --workdir of a running local stack)");
    }
    String resolvedTopic = StackEndpoints.pick(topic, stack, StackEndpoints::topic,
        Topics.MARKET_DATA);
    long candles = 0;
    Map<String, String> failures = new LinkedHashMap<>();
    for (MissingRange r : missing) {
      BackfillResult result = Backfill.run(healConfig(r.source(), r.symbol(),
          exchangeUrl(r.source(), stack), kafka, resolvedTopic), r.start(), r.endExclusive());
      out.printf("healed %-10s %-12s %s .. %s: %d candles published%n", r.source(), r.symbol(),
          r.start(), r.endExclusive(), result.candles());
      candles += result.candles();
      result.failedSymbols().forEach((symbol, why) ->
          failures.put(symbol + " " + r.start() + " .. " + r.endExclusive(), why));
    }
    out.printf("published %d candles for %d ranges to %s at %s; the ledger shows them once"
        + " bronze and silver have run%n", candles, missing.size(), resolvedTopic, kafka);
    out.flush();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Could not heal " + failures.size() + " range(s): "
          + failures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
              .collect(Collectors.joining("; ")) + " (run gaps --heal again)");
    }
  }

  private String exchangeUrl(String source, StackEndpoints stack) {
    // The stack's simulated exchange speaks Binance's API only.
    boolean binance = IngestConfig.DEFAULT_SOURCE.equals(source);
    return StackEndpoints.pick(baseUrl, binance ? stack : null, StackEndpoints::exchangeUrl,
        IngestConfig.defaultBaseUrl(source));
  }

  /** One symbol of one source; no state directory, so a range is always fetched again. */
  static IngestConfig healConfig(String source, String symbol, String url, String kafka,
      String topic) {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) throw new UsageException("Invalid --base-url '" + url + "'");
    return new IngestConfig(source, parsed, List.of(symbol), topic,
        Map.of("bootstrap.servers", kafka), IngestConfig.DEFAULT_PARTITIONS,
        IngestConfig.DEFAULT_REPLICATION_FACTOR, IngestConfig.defaultWeightLimit(source), 1,
        IngestConfig.DEFAULT_MAX_RETRIES, IngestConfig.DEFAULT_REQUEST_TIMEOUT,
        IngestConfig.DEFAULT_POLL_DELAY, null, false, IngestConfig.DEFAULT_VS_CURRENCY, null);
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new GapsCommand(), args));
  }
}
