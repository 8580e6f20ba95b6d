package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.CommandRun;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.SimulatedClock;
import io.marketlake.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's broker test: the Kafka broker is stopped for 20 s (20 exchange minutes at 60×)
 * while {@code ingest poll} runs live, then restarted; bronze and silver then hold every minute of
 * every symbol exactly once, the outage's minutes included.
 */
class BrokerRestartIT {
  static final Instant START = Instant.parse("2026-02-05T00:00:00Z");
  static final Instant BACKFILL_FROM = START.minus(Duration.ofMinutes(30));
  static final Instant POLL_UNTIL = START.plus(Duration.ofMinutes(50));
  static final Duration OUTAGE = Duration.ofSeconds(20);
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");

  @TempDir Path workdir;

  @Test
  void aBrokerRestartDuringLivePollingLeavesNoMinuteMissingInSilver() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(5)
        .withExchangeSpeed(60).withExchangeStart(START))) {
      StackLayers layers = new StackLayers(stack);
      String symbols = String.join(",", SYMBOLS);
      assertThat(layers.ingest("backfill", "--symbols", symbols, "--from",
          BACKFILL_FROM.toString(), "--to", START.toString()).exitCode()).isZero();
      SimulatedClock exchangeClock = stack.exchange().orElseThrow().options().clock();

      CompletableFuture<CommandRun> polling = CompletableFuture.supplyAsync(
          () -> layers.ingest("poll", "--symbols", symbols, "--until", POLL_UNTIL.toString(),
              "--poll-delay", "1s"));
      await().atMost(Duration.ofSeconds(60)).until(() -> exchangeClock.nowMillis()
          > START.plus(Duration.ofMinutes(15)).toEpochMilli());
      long stoppedAt = exchangeClock.nowMillis();
      stack.kafka().stop();
      // The poller rides the outage out: fetching, blocked on Kafka, never failing.
      await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(() -> !polling.isDone());
      stack.kafka().restart();
      long restartedAt = exchangeClock.nowMillis();
      CommandRun poll = polling.get(120, TimeUnit.SECONDS);
      System.out.println(poll.err() + poll.out());
      assertThat(poll.exitCode()).as(poll.err()).isZero();

      long bronzeRows = layers.bronze().rowsWritten();
      layers.silver();

      Map<String, TreeMap<Long, Row>> silver = layers.silverCandles();
      long expectedPerSymbol = Duration.between(BACKFILL_FROM, POLL_UNTIL).toMinutes();
      for (String symbol : SYMBOLS) {
        assertThat(silver.get(symbol).keySet()).as(symbol).containsExactlyElementsOf(
            StackLayers.minutes(BACKFILL_FROM.toEpochMilli(),
                POLL_UNTIL.toEpochMilli() - StackLayers.MINUTE_MS));
      }
      assertThat(bronzeRows).as("nothing published twice").isEqualTo(2 * expectedPerSymbol);
      System.out.printf("FAULT-SUMMARY broker: down %d exchange minutes (%s .. %s) during live"
          + " polling; bronze %d rows, silver %d of %d minutes per symbol, 0 missing,"
          + " 0 duplicated%n", (restartedAt - stoppedAt) / 60_000,
          Instant.ofEpochMilli(stoppedAt), Instant.ofEpochMilli(restartedAt), bronzeRows,
          silver.get(SYMBOLS.get(0)).size(), expectedPerSymbol);
    }
  }
}
