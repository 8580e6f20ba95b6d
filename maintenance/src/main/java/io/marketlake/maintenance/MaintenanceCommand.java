package io.marketlake.maintenance;

import io.marketlake.common.spark.LakehouseSpark;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.UsageException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code maintenance}: bronze retention (DELETE of old ingest days), OPTIMIZE (compaction,
 * Z-ordered by each table's query keys) and VACUUM (with a retention guard) for any table of the
 * lakehouse. Runs from every layer's spark-submit jar; Delta's SQL comes from the session's Delta
 * extension. Silver streams bronze with {@code skipChangeCommits}, so the retention DELETE does
 * not stop it.
 */
@Command(name = "maintenance", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Delete old bronze days, OPTIMIZE and/or VACUUM lakehouse tables.")
public final class MaintenanceCommand implements Callable<Integer> {
  /** Delta's own default retention: a week of history for time travel and slow readers. */
  static final int SAFE_RETENTION_HOURS = 168;

  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--table", defaultValue = "all", paramLabel = "NAME|all",
      description = "A table such as silver.candles_1m, or all (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--optimize", description = "Compact small files; Z-order by the table's"
      + " query keys (e.g. symbol, open_time).")
  boolean optimize;

  @Option(names = "--vacuum", description = "Delete files no longer referenced by the table and"
      + " older than --retain-hours.")
  boolean vacuum;

  @Option(names = "--retain-hours", defaultValue = "168",
      description = "VACUUM keeps this many hours of history (default: ${DEFAULT-VALUE}).")
  int retainHours;

  @Option(names = "--allow-short-retention",
      description = "Allow --retain-hours below 168. Streaming readers (silver reads bronze,"
          + " gold reads silver's changes) that fall further behind than that lose data, and"
          + " time travel cannot reach further back.")
  boolean allowShortRetention;

  @Option(names = "--bronze-retention-days", paramLabel = "N",
      description = "Delete bronze rows that arrived (ingest_date) more than N days ago, before"
          + " OPTIMIZE and VACUUM. Silver has long read them; the files go at the next VACUUM.")
  Integer bronzeRetentionDays;

  /**
   * What to do to which tables.
   *
   * @param bronzeKeepFrom bronze rows with an {@code ingest_date} before this day are deleted
   *     first; null deletes nothing
   */
  public record Plan(List<Lakehouse.Table> tables, boolean optimize, boolean vacuum,
      int retainHours, java.time.LocalDate bronzeKeepFrom, String bronzeTable) {
    /** OPTIMIZE and/or VACUUM only. */
    public Plan(List<Lakehouse.Table> tables, boolean optimize, boolean vacuum, int retainHours) {
      this(tables, optimize, vacuum, retainHours, null, null);
    }
  }

  Plan toPlan() {
    if (!optimize && !vacuum && bronzeRetentionDays == null) {
      throw new UsageException("Nothing to do: pass --optimize, --vacuum,"
          + " --bronze-retention-days N, or several");
    }
    if (bronzeRetentionDays != null && bronzeRetentionDays < 1) {
      throw new UsageException("--bronze-retention-days must be >= 1, got "
          + bronzeRetentionDays);
    }
    if (retainHours < 0) {
      throw new UsageException("--retain-hours must be >= 0, got " + retainHours);
    }
    if (vacuum && retainHours < SAFE_RETENTION_HOURS && !allowShortRetention) {
      throw new UsageException("--retain-hours " + retainHours + " is below " + SAFE_RETENTION_HOURS
          + ": streaming readers and time travel may lose files; pass --allow-short-retention"
          + " if you are sure");
    }
    List<Lakehouse.Table> all = lakehouse.lakehouse().tables();
    List<Lakehouse.Table> chosen = table.equals("all") ? all
        : all.stream().filter(t -> t.name().equals(table)).toList();
    if (chosen.isEmpty()) {
      throw new UsageException("Unknown table '" + table + "': expected all or one of "
          + String.join(", ", all.stream().map(Lakehouse.Table::name).toList()) + " (--table)");
    }
    java.time.LocalDate keepFrom = bronzeRetentionDays == null ? null
        : java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(bronzeRetentionDays);
    return new Plan(chosen, optimize, vacuum, retainHours, keepFrom,
        lakehouse.lakehouse().bronzeCandlesRaw());
  }

  /**
   * Runs the plan; tables that do not exist yet are skipped. A retention below
   * {@value #SAFE_RETENTION_HOURS} hours is run as given: the CLI's guard ({@link #toPlan}) has
   * already asked for {@code --allow-short-retention}, so Delta's own check is lifted for this run
   * only and restored afterwards.
   */
  public static void run(SparkSession spark, Plan plan, PrintStream out) {
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String before = spark.conf().get(check, null);
    if (plan.vacuum() && plan.retainHours() < SAFE_RETENTION_HOURS) {
      spark.conf().set(check, "false");
    }
    try {
      if (plan.bronzeKeepFrom() != null) deleteOldBronze(spark, plan, out);
      for (Lakehouse.Table t : plan.tables()) {
        if (!LakehouseSpark.isDelta(spark, t.path())) {
          out.printf("%-26s skipped: no table yet%n", t.name());
          continue;
        }
        maintain(spark, t, plan, out);
      }
    } finally {
      if (before == null) spark.conf().unset(check);
      else spark.conf().set(check, before);
    }
  }

  /** The retention DELETE: whole {@code ingest_date} partitions, so no file is rewritten. */
  private static void deleteOldBronze(SparkSession spark, Plan plan, PrintStream out) {
    if (!LakehouseSpark.isDelta(spark, plan.bronzeTable())) {
      out.printf("%-26s retention skipped: no table yet%n", "bronze.market_data_raw");
      return;
    }
    Row deleted = spark.sql("DELETE FROM delta.`" + plan.bronzeTable() + "` WHERE ingest_date < DATE'"
        + plan.bronzeKeepFrom() + "'").first();
    out.printf("%-26s DELETE ingest_date < %s: %d rows removed%n", "bronze.market_data_raw",
        plan.bronzeKeepFrom(), deleted.getLong(0));
  }

  private static void maintain(SparkSession spark, Lakehouse.Table t, Plan plan,
      PrintStream out) {
    String table = "delta.`" + t.path() + "`";
    if (plan.optimize()) {
      String zorder = t.clusterBy().isEmpty() ? ""
          : " ZORDER BY (" + String.join(", ", t.clusterBy()) + ")";
      Row metrics = spark.sql("OPTIMIZE " + table + zorder).first().getStruct(1);
      out.printf("%-26s OPTIMIZE%s: %d files removed, %d added%n", t.name(), zorder,
          metrics.<Long>getAs("numFilesRemoved"), metrics.<Long>getAs("numFilesAdded"));
    }
    if (plan.vacuum()) {
      spark.sql("VACUUM " + table + " RETAIN " + plan.retainHours() + " HOURS");
      out.printf("%-26s VACUUM: kept %d hours of history%n", t.name(), plan.retainHours());
    }
  }


  @Override
  public Integer call() {
    Plan plan = toPlan();
    run(LayerContext.open("marketlake-maintenance", lakehouse).spark(), plan, System.out);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new MaintenanceCommand(), args));
  }
}
