package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.launcher.GapsCommand;
import io.marketlake.common.CommandRun;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code marketlake gaps} on a lakehouse with a planted hole: NEARUSDT is never fetched for half
 * an hour of a three-hour backfill. The ledger lists exactly that range; {@code --heal} publishes
 * exactly its 30 minutes, and after bronze and silver the ledger is complete.
 */
class GapsIT {
  static final Instant FROM = Instant.parse("2026-02-02T00:00:00Z");
  static final Instant HOLE_START = FROM.plus(Duration.ofMinutes(60));
  static final Instant HOLE_END = FROM.plus(Duration.ofMinutes(90));
  static final Instant TO = FROM.plus(Duration.ofHours(3));

  @TempDir Path workdir;

  @Test
  void gapsListsAPlantedHoleAndHealFillsExactlyIt() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(5))) {
      StackLayers layers = new StackLayers(stack);
      backfill(layers, "LINKUSDT,NEARUSDT", FROM, HOLE_START);
      backfill(layers, "LINKUSDT", HOLE_START, HOLE_END);
      backfill(layers, "LINKUSDT,NEARUSDT", HOLE_END, TO);
      layers.bronze();
      layers.silver();

      CommandRun gaps = layers.run(new GapsCommand(), "--workdir", workdir.toString());

      assertThat(gaps.exitCode()).as(gaps.err()).isZero();
      assertThat(gaps.out()).isEqualTo("""
          Completeness per symbol (present of expected minutes):
            binance    LINKUSDT 100.00% (no missing minutes)
            binance    NEARUSDT 83.33% (1 missing range, 30 min)
          Missing ranges (UTC, end exclusive):
            source     symbol       from                   to                      minutes
            binance    NEARUSDT     2026-02-02T01:00:00Z   2026-02-02T01:30:00Z         30
          30 missing minutes in 1 ranges
          """);
      CommandRun filtered = layers.run(new GapsCommand(), "--workdir",
          workdir.toString(), "--symbols", "NEARUSDT", "--from", "2026-02-02T01:20:00Z");
      assertThat(filtered.out()).contains(
          "  binance    NEARUSDT     2026-02-02T01:20:00Z   2026-02-02T01:30:00Z         10");

      CommandRun heal = layers.run(new GapsCommand(), "--workdir",
          workdir.toString(), "--heal");

      assertThat(heal.exitCode()).as(heal.err()).isZero();
      assertThat(heal.out()).contains(
          "healed binance    NEARUSDT     2026-02-02T01:00:00Z .. 2026-02-02T01:30:00Z:"
              + " 30 candles published",
          "published 30 candles for 1 ranges to " + layers.topic + " at "
              + layers.endpoints.kafkaBootstrap()
              + "; the ledger shows them once bronze and silver have run");
      // Exactly the missing minutes reached Kafka, nothing else.
      assertThat(layers.bronze().rowsWritten()).isEqualTo(30);
      layers.silver();
      assertThat(CompletenessReport.read(layers.spark, layers.lakehouse))
          .extracting(CompletenessReport.SymbolCompleteness::summary)
          .containsExactly("LINKUSDT 100.00% (no missing minutes)",
              "NEARUSDT 100.00% (no missing minutes)");
      assertThat(layers.run(new GapsCommand(), "--workdir", workdir.toString()).out())
          .endsWith("no missing minutes\n");
    }
  }

  private static void backfill(StackLayers layers, String symbols, Instant from, Instant to) {
    CommandRun run = layers.ingest("backfill", "--symbols", symbols,
        "--from", from.toString(), "--to", to.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
  }
}
