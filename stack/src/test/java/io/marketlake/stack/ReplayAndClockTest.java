package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketlake.common.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayAndClockTest {
  // three real LINKUSDT minutes (Binance public dump, 2026-02-01)
  static final String DUMP = String.join("\n",
      "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
          + "taker_buy_quote_volume,ignore",
      "1769904000000,9.982,9.990,9.974,9.987,24464.35,1769904059999,244198.04745,782,9388.60,"
          + "93722.16297,0",
      "1769904060000,9.986,9.986,9.972,9.976,11394.34,1769904119999,113691.69260,541,6072.95,"
          + "60592.76611,0",
      // microsecond timestamps, as Binance's spot dumps use since 2025
      "1769904120000000,9.976,9.980,9.970,9.971,9000.10,1769904179999999,89800.12345,400,"
          + "4000.00,39900.00000,0",
      "");

  @TempDir Path dir;

  @Test
  void replaysDumpStringsExactlyAndFallsBackToSeededPaths() throws Exception {
    Files.writeString(dir.resolve("LINKUSDT-1m-2026-02.csv"), DUMP);
    Files.writeString(dir.resolve("notes.csv"), "ignored: not SYMBOL-1m-*.csv");
    ExchangeOptions options = ExchangeOptions.defaults()
        .withClock(SimulatedClock.fixed(Instant.parse("2026-02-01T00:03:00Z")))
        .withReplayDir(dir);
    try (SimulatedExchange exchange = SimulatedExchange.start(options)) {
      JsonNode link = SimulatedExchangeTest.klines(exchange,
          "symbol=LINKUSDT&startTime=1769900000000&limit=10");

      assertThat(link).hasSize(3);
      assertThat(link.get(0).toString()).isEqualTo("[1769904000000,\"9.982\",\"9.990\",\"9.974\","
          + "\"9.987\",\"24464.35\",1769904059999,\"244198.04745\",782,\"9388.60\","
          + "\"93722.16297\",\"0\"]");
      assertThat(link.get(2).get(0).asLong()).isEqualTo(1769904120000L);
      // a symbol without a file: the seeded path
      assertThat(SimulatedExchangeTest.klines(exchange, "symbol=BTCUSDT&limit=5")).hasSize(5);
    }
  }

  @Test
  void replayedCandlesAreServedFormingUntilTheirMinuteCloses() throws Exception {
    Files.writeString(dir.resolve("LINKUSDT-1m-2026-02.csv"), DUMP);
    ExchangeOptions options = ExchangeOptions.defaults()
        .withClock(SimulatedClock.fixed(Instant.parse("2026-02-01T00:01:30Z")))
        .withReplayDir(dir);
    try (SimulatedExchange exchange = SimulatedExchange.start(options)) {
      JsonNode link = SimulatedExchangeTest.klines(exchange, "symbol=LINKUSDT&startTime=0");

      // 00:00 closed, 00:01 half formed, 00:02 not begun
      assertThat(link).hasSize(2);
      assertThat(link.get(0).get(5).asText()).isEqualTo("24464.35");
      // half way: open kept, close 9.986 + (9.976 - 9.986) / 2, high unchanged (the open was the
      // high), low min(open, close) - (9.976 - 9.972) / 2, volumes and trades halved (half up)
      assertThat(link.get(1).toString()).isEqualTo("[1769904060000,\"9.986\",\"9.986\","
          + "\"9.979\",\"9.981\",\"5697.17\",1769904119999,\"56845.84630\",270,\"3036.48\","
          + "\"30296.38306\",\"0\"]");
    }
  }

  @Test
  void anEmptyReplayDirectoryIsAUsageError() {
    ExchangeOptions options = ExchangeOptions.defaults().withReplayDir(dir);

    assertThatThrownBy(() -> SimulatedExchange.start(options))
        .isInstanceOf(UsageException.class)
        .hasMessage("No kline dumps in " + dir + ": expected files named SYMBOL-1m-*.csv,"
            + " e.g. BTCUSDT-1m-2026-02.csv (--replay)");
  }

  @Test
  void acceleratedClockStartsWhereToldAndRunsFaster() {
    Instant start = Instant.parse("2026-02-01T00:00:00Z");
    SimulatedClock clock = SimulatedClock.accelerated(start, 600);

    assertThat(clock.nowMillis()).isBetween(start.toEpochMilli(), start.toEpochMilli() + 60_000);
    // 600x: one exchange minute per 0.1 real second
    await().atMost(Duration.ofSeconds(5))
        .until(() -> clock.nowMillis() >= start.toEpochMilli() + 60_000);
  }

  @Test
  void speedOneWithoutStartIsTheRealClock() {
    long before = System.currentTimeMillis();
    long now = SimulatedClock.accelerated(null, 1).nowMillis();

    assertThat(now).isBetween(before, System.currentTimeMillis());
  }
}
