package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.common.spark.LakehouseSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code report}: a self-contained HTML report of prices, completeness (from silver's ledger),
 * predictions and model metrics.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Write a self-contained HTML report (opens from a file, no server): price"
        + " charts per symbol, the latest predictions, and the model's metrics per version.")
public final class ReportCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--out", defaultValue = "marketlake-report.html", paramLabel = "FILE",
      description = "Where to write the report (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--window", defaultValue = "1h", paramLabel = "5m|1h|1d",
      description = "Rollup charted (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--days", defaultValue = "7",
      description = "Days of history charted, ending at each symbol's latest candle"
          + " (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--debug", description = "Print stack traces.")
  boolean debug;

  /** Reads the gold tables and writes the report to {@code out}. */
  public static void write(SparkSession spark, Lakehouse lakehouse, String window, int days,
      Path out) throws java.io.IOException {
    if (!List.of("5m", "1h", "1d").contains(window)) {
      throw new UsageException("Invalid --window '" + window + "': expected 5m, 1h or 1d");
    }
    String candles = lakehouse.goldCandles(window);
    if (!DeltaTable.isDeltaTable(spark, candles)) {
      throw new UsageException("No gold table at " + candles + ": run gold first");
    }
    Map<String, List<ReportHtml.Prediction>> predictions = predictions(spark, lakehouse);
    Map<String, String> completeness = new HashMap<>();
    // One symbol from several sources: each source's figure, in source order.
    CompletenessReport.read(spark, lakehouse).forEach(c -> completeness.merge(c.symbol(),
        c.detail(), (a, b) -> a + "; " + b));
    Map<String, Row> daily = new HashMap<>();
    if (DeltaTable.isDeltaTable(spark, lakehouse.goldDailyChange())) {
      spark.read().format("delta").load(lakehouse.goldDailyChange()).collectAsList()
          .forEach(r -> daily.put(r.getAs("symbol"), r));
    }
    List<Row> rows = spark.read().format("delta").load(candles)
        .withColumn("_last", expr("max(window_start) OVER (PARTITION BY symbol)"))
        .filter(expr("window_start > _last - make_dt_interval(" + days + ")"))
        .select(col("symbol"), col("window_start"), col("close").cast("double"))
        .orderBy("symbol", "window_start").collectAsList();
    Map<String, List<Row>> bySymbol = new java.util.TreeMap<>();
    rows.forEach(r -> bySymbol.computeIfAbsent(r.getString(0), s -> new ArrayList<>()).add(r));
    List<ReportHtml.SymbolSeries> series = new ArrayList<>();
    bySymbol.forEach((symbol, points) -> {
      Row d = daily.get(symbol);
      series.add(new ReportHtml.SymbolSeries(symbol,
          points.stream().map(r -> r.getTimestamp(1).toInstant()).toList(),
          points.stream().map(r -> r.getDouble(2)).toList(),
          d == null ? points.get(points.size() - 1).getDouble(2)
              : d.<java.math.BigDecimal>getAs("last_price").doubleValue(),
          d == null || d.isNullAt(d.fieldIndex("change_24h_pct")) ? 0
              : d.<java.math.BigDecimal>getAs("change_24h_pct").doubleValue(),
          predictions.getOrDefault(symbol, List.of()), completeness.get(symbol)));
    });
    String html = ReportHtml.render("marketlake report", window, series, modelRuns(spark,
        lakehouse), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    Files.writeString(out, html, StandardCharsets.UTF_8);
  }

  /** The newest model's predictions per symbol, by time. */
  private static Map<String, List<ReportHtml.Prediction>> predictions(SparkSession spark,
      Lakehouse lakehouse) {
    Map<String, List<ReportHtml.Prediction>> bySymbol = new HashMap<>();
    if (!DeltaTable.isDeltaTable(spark, lakehouse.goldPredictions())) return bySymbol;
    // The newest committed model: a version whose train failed before model_runs is not shown.
    java.util.Optional<Row> newest = ModelVersions.newestCommitted(spark, lakehouse);
    if (newest.isEmpty()) return bySymbol;
    spark.read().format("delta").load(lakehouse.goldPredictions())
        .filter(col("model_version").equalTo(newest.get().<Integer>getAs("model_version")))
        .orderBy("symbol", "as_of").collectAsList()
        .forEach(r -> bySymbol.computeIfAbsent(r.getAs("symbol"), s -> new ArrayList<>())
            .add(new ReportHtml.Prediction(r.<Timestamp>getAs("as_of").toInstant(),
                r.<Integer>getAs("horizon_minutes"), r.<Double>getAs("probability_up"),
                r.getAs("direction"))));
    return bySymbol;
  }

  private static List<ReportHtml.ModelRun> modelRuns(SparkSession spark, Lakehouse lakehouse) {
    if (!DeltaTable.isDeltaTable(spark, lakehouse.goldModelRuns())) return List.of();
    return spark.read().format("delta").load(lakehouse.goldModelRuns()).orderBy("model_version")
        .collectAsList().stream()
        .map(r -> new ReportHtml.ModelRun(r.getAs("model_version"),
            r.<Timestamp>getAs("trained_at").toInstant()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS), r.getAs("test_auc"),
            r.getAs("test_accuracy"), r.getAs("test_balanced_accuracy"),
            r.getAs("baseline_majority_accuracy"),
            r.getAs("baseline_last_move_accuracy"), r.<Long>getAs("test_rows")))
        .toList();
  }

  @Override
  public Integer call() throws Exception {
    if (days < 1) throw new UsageException("--days must be positive, got " + days);
    Lakehouse location = lakehouse.lakehouse();
    SparkSession spark = LakehouseSpark.getOrCreate("marketlake-report", lakehouse.master(),
        lakehouse.s3());
    write(spark, location, window, days, out);
    System.out.println("report: wrote " + out.toAbsolutePath());
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new ReportCommand(), args));
  }
}
