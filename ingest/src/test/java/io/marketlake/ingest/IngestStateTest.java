package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestStateTest {
  static final long FRIDAY_1800 = Instant.parse("2026-01-30T18:00:00Z").toEpochMilli();
  static final long SUNDAY = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  static final long MONDAY = Instant.parse("2026-02-02T00:00:00Z").toEpochMilli();

  @Test
  void anOldLastFileIsThePollMarkOnceAndIsNeverWritten(@TempDir Path root) throws Exception {
    Path dir = Files.createDirectories(root.resolve("binance").resolve("market"));
    Files.writeString(dir.resolve("BTCUSDT.last"), FRIDAY_1800 + "\n");
    IngestState state = IngestState.under(root, "binance", "market");

    assertThat(state.pollMark("BTCUSDT")).hasValue(FRIDAY_1800);
    assertThat(state.pollMarkIsLegacy("BTCUSDT")).isTrue();

    state.pollReached("BTCUSDT", FRIDAY_1800 + 60_000);

    assertThat(Files.readString(dir.resolve("BTCUSDT.poll-hwm"))).isEqualTo(
        (FRIDAY_1800 + 60_000) + "\n");
    assertThat(Files.readString(dir.resolve("BTCUSDT.last"))).isEqualTo(FRIDAY_1800 + "\n");
    assertThat(state.pollMarkIsLegacy("BTCUSDT")).isFalse();
  }

  @Test
  void aBackfillNeverMovesThePollMark(@TempDir Path root) {
    IngestState state = IngestState.under(root, "binance", "market");
    state.pollReached("BTCUSDT", FRIDAY_1800);

    state.backfillReached("BTCUSDT", SUNDAY, MONDAY, MONDAY);

    assertThat(state.pollMark("BTCUSDT")).hasValue(FRIDAY_1800);
    assertThat(state.backfillCursor("BTCUSDT", SUNDAY, MONDAY)).hasValue(MONDAY);
  }

  @Test
  void anOldMarkInsideABackfilledRangeIsTakenWithAWarningNamingTheRange(@TempDir Path root)
      throws Exception {
    IngestState state = IngestState.under(root, "binance", "market");
    state.backfillReached("BTCUSDT", SUNDAY, MONDAY, MONDAY);
    Files.writeString(root.resolve("binance/market/BTCUSDT.last"), (MONDAY - 60_000) + "\n");
    Files.writeString(root.resolve("binance/market/ETHUSDT.last"), FRIDAY_1800 + "\n");
    StringWriter logText = new StringWriter();

    Poller.warnAboutLegacyMarks(List.of("BTCUSDT", "ETHUSDT"), state,
        new ActivityLog(new PrintWriter(logText), new FakeTime(Instant.EPOCH)));

    assertThat(logText.toString().lines()).singleElement().asString().contains(
        "BTCUSDT: resuming after 2026-02-01T23:59:00Z from the .last file of an earlier"
            + " version, which the backfill of 2026-02-01T00:00:00Z .. 2026-02-02T00:00:00Z may"
            + " have raised", "'marketlake gaps --heal'");
  }
}
