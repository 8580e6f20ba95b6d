package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.CommandRun;
import io.marketlake.common.Cli;
import io.marketlake.common.StackEndpoints;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandTest {
  static final String[] RANGE = {"--from", "2026-02-01", "--to", "2026-02-02"};

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int execute(String... args) {
    CommandRun run = CommandRun.of(new IngestCommand(), args);
    out.write(run.out());
    err.write(run.err());
    return run.exitCode();
  }

  static String[] backfill(String... args) {
    List<String> all = new ArrayList<>(List.of("backfill"));
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  void assertUsageError(String message, String... args) {
    assertThat(execute(args)).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).isEqualTo("error: " + message + System.lineSeparator());
  }

  @Test
  void unknownSource() {
    assertUsageError("Unknown source 'kraken': expected one of binance, coingecko, yahoo"
        + " (--source)", backfill("--source", "kraken", "--symbols", "BTCUSDT", RANGE[0],
        RANGE[1], RANGE[2], RANGE[3]));
  }

  @Test
  void malformedSymbol() {
    assertUsageError("Invalid symbol 'BTC-USDT!' (--symbols): expected 2-20 letters and digits,"
        + " e.g. BTCUSDT", backfill("--symbols", "ETHUSDT,BTC-USDT!", RANGE[0], RANGE[1],
        RANGE[2], RANGE[3]));
  }

  @Test
  void malformedSymbolInAFileNamesTheLine(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("portfolio.txt"), "# mine\nBTCUSDT\n\nETH/USDT\n");

    assertUsageError("Invalid symbol 'ETH/USDT' in " + file + " line 4 (--symbols-file):"
        + " expected 2-20 letters and digits, e.g. BTCUSDT",
        backfill("--symbols-file", file.toString(), RANGE[0], RANGE[1], RANGE[2], RANGE[3]));
  }

  @Test
  void unreadableSymbolsFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");

    assertUsageError("Cannot read symbols file '" + missing + "' (no such file): --symbols-file"
        + " expects a text file with one symbol per line",
        backfill("--symbols-file", missing.toString(), RANGE[0], RANGE[1], RANGE[2], RANGE[3]));
  }

  @Test
  void fromAfterTo() {
    assertUsageError("--from 2026-02-03 is not before --to 2026-02-01: the range is [from, to),"
        + " so --from must be earlier than --to",
        backfill("--symbols", "BTCUSDT", "--from", "2026-02-03", "--to", "2026-02-01"));
  }

  @Test
  void unparseableFrom() {
    assertUsageError("Invalid --from '2026-13-01': expected an ISO date (2026-02-01, UTC"
        + " midnight) or instant (2026-02-01T00:00:00Z)",
        backfill("--symbols", "BTCUSDT", "--from", "2026-13-01", "--to", "2026-02-01"));
  }

  @Test
  void kafkaPropertyWithoutEquals() {
    assertUsageError("Invalid --kafka-property 'acks': expected KEY=VALUE, e.g. --kafka-property"
        + " security.protocol=SASL_SSL",
        backfill("--symbols", "BTCUSDT", "--kafka-property", "acks", RANGE[0], RANGE[1],
            RANGE[2], RANGE[3]));
  }

  @Test
  void pollRejectsABadDelay() {
    assertUsageError("Invalid --poll-delay 'soon': expected a duration such as 2s, 500ms or 1m",
        "poll", "--symbols", "BTCUSDT", "--poll-delay", "soon");
  }

  @Test
  void missingSubcommandIsAUsageError() {
    assertThat(execute()).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).startsWith("error: Missing subcommand: backfill or poll");
  }

  @Test
  void configTakesStackEndpointsButExplicitOptionsWin(@TempDir Path dir) throws Exception {
    new StackEndpoints("127.0.0.1:19092", "http://127.0.0.1:9000", "lake", "k", "s",
        "http://127.0.0.1:8123", "stack.topic", "s3a://lake/", Map.of()).write(dir);
    Path symbols = Files.writeString(dir.resolve("symbols.txt"),
        "# portfolio\nbtcusdt\n\n  ETHUSDT  # second\n");

    IngestConfig fromStack = config("--workdir", dir.toString(), "--symbols-file",
        symbols.toString(), "--symbols", "SOLUSDT,BTCUSDT");
    IngestConfig explicit = config("--workdir", dir.toString(), "--symbols", "BTCUSDT",
        "--base-url", "http://127.0.0.1:9999", "--topic", "mine",
        "--kafka-config", Files.writeString(dir.resolve("k.properties"),
            "bootstrap.servers=file:1\nsecurity.protocol=SSL\n").toString(),
        "--kafka-property", "bootstrap.servers=prop:2");

    assertThat(fromStack.symbols()).containsExactly("SOLUSDT", "BTCUSDT", "ETHUSDT");
    assertThat(fromStack.baseUrl()).isEqualTo(HttpUrl.get("http://127.0.0.1:8123/"));
    assertThat(fromStack.topic()).isEqualTo("stack.topic");
    assertThat(fromStack.bootstrapServers()).isEqualTo("127.0.0.1:19092");
    assertThat(fromStack.stateDir()).isEqualTo(dir.resolve("ingest-state"));
    assertThat(fromStack.weightLimit()).isEqualTo(6000);
    assertThat(explicit.baseUrl()).isEqualTo(HttpUrl.get("http://127.0.0.1:9999/"));
    assertThat(explicit.topic()).isEqualTo("mine");
    assertThat(explicit.kafkaProperties()).containsEntry("bootstrap.servers", "prop:2")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void coingeckoHasNothingToBackfill() {
    assertUsageError("Source 'coingecko' has no 1m history to backfill (it only reports the"
        + " current price): use 'ingest poll --source coingecko', or backfill from binance or"
        + " yahoo", backfill("--source", "coingecko", "--symbols", "bitcoin", RANGE[0], RANGE[1],
        RANGE[2], RANGE[3]));
  }

  @Test
  void yahooBackfillOlderThanYahooKeepsIsAUsageError() {
    assertThat(execute(backfill("--source", "yahoo", "--symbols", "AAPL", "--from", "2020-01-01",
        "--to", "2020-01-02"))).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).startsWith("error: --from 2020-01-01 is older than Yahoo Finance"
        + " keeps 1m data (about 30 days, so from ").endsWith(" on): choose a later --from"
        + System.lineSeparator());
  }

  @Test
  void symbolsAreValidatedBySourceRules() {
    assertUsageError("Invalid symbol 'bit coin' (--symbols): expected a CoinGecko coin id"
        + " (lower-case letters, digits and hyphens), e.g. bitcoin or usd-coin",
        "poll", "--source", "coingecko", "--symbols", "bitcoin,bit coin");
  }

  @Test
  void yahooTickersAreAcceptedInTheirOwnSpelling() {
    IngestConfig yahoo = config("--source", "yahoo", "--symbols", "aapl,^GSPC,EURUSD=X,BTC-USD");

    assertThat(yahoo.symbols()).containsExactly("AAPL", "^GSPC", "EURUSD=X", "BTC-USD");
    assertThat(yahoo.baseUrl()).isEqualTo(HttpUrl.get("https://query1.finance.yahoo.com/"));
    assertThat(yahoo.weightLimit()).isEqualTo(60);
    assertUsageError("Invalid symbol 'BTC/USD' (--symbols): expected a Yahoo Finance ticker,"
        + " e.g. AAPL, ^GSPC, EURUSD=X or BTC-USD",
        "poll", "--source", "yahoo", "--symbols", "BTC/USD");
  }

  @Test
  void coingeckoTakesItsKeyAndCurrencyButNeverPrintsTheKey(@TempDir Path dir) throws Exception {
    new StackEndpoints("127.0.0.1:19092", null, null, null, null, "http://127.0.0.1:8123",
        null, null, Map.of()).write(dir);

    IngestConfig gecko = config("--source", "coingecko", "--symbols", "Bitcoin,usd-coin",
        "--vs-currency", "EUR", "--coingecko-api-key", "CG-secret", "--workdir", dir.toString());

    assertThat(gecko.symbols()).containsExactly("bitcoin", "usd-coin");
    assertThat(gecko.vsCurrency()).isEqualTo("eur");
    assertThat(gecko.apiKey()).isEqualTo("CG-secret");
    // the stack's simulated exchange speaks Binance only
    assertThat(gecko.baseUrl()).isEqualTo(HttpUrl.get("https://api.coingecko.com/api/v3"));
    assertThat(gecko.weightLimit()).isEqualTo(30);
    assertThat(gecko.toString()).contains("apiKey=***").doesNotContain("CG-secret");
    assertUsageError("Invalid --vs-currency 'US$': expected a CoinGecko currency code such as"
        + " usd, eur or btc", "poll", "--source", "coingecko", "--symbols", "bitcoin",
        "--vs-currency", "US$");
  }

  static IngestConfig config(String... args) {
    CommandLine cmd = Cli.commandLine(new IngestCommand());
    List<String> all = new ArrayList<>(List.of("backfill"));
    all.addAll(List.of(args));
    all.addAll(List.of(RANGE));
    cmd.parseArgs(all.toArray(String[]::new));
    BackfillCommand backfill = cmd.getSubcommands().get("backfill").getCommand();
    return backfill.options.toConfig(Duration.ofSeconds(2), false);
  }
}
