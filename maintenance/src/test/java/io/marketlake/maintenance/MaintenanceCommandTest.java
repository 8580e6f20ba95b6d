package io.marketlake.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import io.marketlake.common.CommandRun;
import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceCommandTest {
  @TempDir Path dir;

  @Test
  void optimizeCompactsAndVacuumDeletesTheReplacedFiles() throws Exception {
    SparkSession spark = TestSpark.get();
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Path table = dir.resolve("gold/features");
    for (int i = 0; i < 3; i++) {
      spark.sql("SELECT 'LINKUSDT' AS symbol, timestamp_millis(" + i * 60_000L
              + ") AS open_time, " + i + " AS ret_1").write().format("delta").mode("append")
          .save(lakehouse.goldFeatures());
    }
    assertThat(parquetFiles(table)).hasSize(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    MaintenanceCommand.Plan plan = new MaintenanceCommand.Plan(
        lakehouse.tables().stream().filter(t -> t.name().equals("gold.features")).toList(),
        true, true, 0);

    MaintenanceCommand.run(spark, plan, new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).contains(
        "gold.features              OPTIMIZE ZORDER BY (symbol, open_time): 3 files removed,"
            + " 1 added",
        "gold.features              VACUUM: kept 0 hours of history");
    assertThat(parquetFiles(table)).hasSize(1);
    assertThat(spark.read().format("delta").load(lakehouse.goldFeatures()).count()).isEqualTo(3);
    // Delta's own retention check is lifted for that run only, not for the rest of the session.
    assertThat(spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", null))
        .isNull();
  }

  @Test
  void optionsBecomeAPlan() {
    MaintenanceCommand all = parse("--lakehouse=" + dir.toUri(), "--optimize");
    assertThat(all.toPlan().tables()).hasSize(15)
        .extracting(Lakehouse.Table::name).startsWith("bronze.market_data_raw");
    assertThat(all.toPlan().vacuum()).isFalse();

    MaintenanceCommand.Plan shortRetention = parse("--lakehouse=" + dir.toUri(), "--vacuum",
        "--table", "silver.candles_1m", "--retain-hours", "24", "--allow-short-retention")
        .toPlan();
    assertThat(shortRetention.tables()).extracting(Lakehouse.Table::name)
        .containsExactly("silver.candles_1m");
    assertThat(shortRetention.tables().get(0).clusterBy()).containsExactly("symbol", "open_time");
    assertThat(shortRetention.retainHours()).isEqualTo(24);
    assertThat(shortRetention.optimize()).isFalse();
    assertThat(shortRetention.bronzeKeepFrom()).isNull();

    MaintenanceCommand.Plan retention = parse("--lakehouse=" + dir.toUri(),
        "--bronze-retention-days", "30").toPlan();
    assertThat(retention.bronzeKeepFrom()).isEqualTo(
        java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(30));
    assertThat(retention.bronzeTable()).isEqualTo(
        new Lakehouse(dir.toUri().toString()).bronzeCandlesRaw());
  }

  @Test
  void optimizeAloneNeedsNoRetentionFlag() {
    // The guard is about deleting files: OPTIMIZE never deletes, whatever --retain-hours says.
    MaintenanceCommand.Plan plan = parse("--lakehouse=" + dir.toUri(), "--optimize",
        "--retain-hours", "1").toPlan();
    assertThat(plan.optimize()).isTrue();
    assertThat(plan.vacuum()).isFalse();
  }

  @Test
  void missingTablesAreSkipped() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Lakehouse empty = new Lakehouse(dir.toUri().toString());
    MaintenanceCommand.run(TestSpark.get(),
        new MaintenanceCommand.Plan(empty.tables().subList(0, 1), true, false, 168),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("bronze.market_data_raw     skipped: no table yet\n");
  }

  @Test
  void usageErrorsAreOneLineWithExitCode2() {
    String lakehouse = "--lakehouse=" + dir.toUri();
    assertThat(run(lakehouse)).isEqualTo(
        "2 error: Nothing to do: pass --optimize, --vacuum, --bronze-retention-days N, or"
            + " several");
    assertThat(run(lakehouse, "--bronze-retention-days", "0")).isEqualTo(
        "2 error: --bronze-retention-days must be >= 1, got 0");
    assertThat(run(lakehouse, "--vacuum", "--retain-hours", "1")).isEqualTo(
        "2 error: --retain-hours 1 is below 168: streaming readers and time travel may lose"
            + " files; pass --allow-short-retention if you are sure");
    assertThat(run(lakehouse, "--optimize", "--table", "silver.candles")).startsWith(
        "2 error: Unknown table 'silver.candles': expected all or one of bronze.market_data_raw,"
            + " silver.candles_1m,");
  }

  private static MaintenanceCommand parse(String... args) {
    MaintenanceCommand command = new MaintenanceCommand();
    Cli.commandLine(command).parseArgs(args);
    return command;
  }

  private static String run(String... args) {
    CommandRun run = CommandRun.of(new MaintenanceCommand(), args);
    return run.exitCode() + " " + run.err().strip();
  }

  private static List<Path> parquetFiles(Path table) throws Exception {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).toList();
    }
  }
}
