package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import io.marketlake.common.spark.CompletenessReport;
import io.marketlake.common.spark.LayerContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the report shows, read from the gold tables and silver's ledger; no printing here. */
public final class ReportQuery {
  private ReportQuery() {}

  /** The rollup named {@code window}; refuses a name that is none, before any table is read. */
  public static RollupWindow requireWindow(String window) {
    return Arrays.stream(RollupWindow.values()).filter(w -> w.label().equals(window)).findFirst()
        .orElseThrow(() -> new UsageException("Invalid --window '" + window
            + "': expected 5m, 1h or 1d"));
  }

  /** One report's content: the charted rollup, a series per symbol, the model runs. */
  public record Contents(String window, List<ReportHtml.SymbolSeries> series,
      List<ReportHtml.ModelRun> modelRuns) {}

  /**
   * The report's content from the gold tables: per symbol, the {@code window} rollup's candles of
   * its latest {@code days} days, last price, daily change, the newest model's predictions and
   * completeness; and every model run.
   */
  public static Contents read(LayerContext ctx, String window, int days) {
    SparkSession spark = ctx.spark();
    Lakehouse lakehouse = ctx.tables();
    requireWindow(window);
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
        .select(col("symbol"), col("window_start"), col("open").cast("double"),
            col("high").cast("double"), col("low").cast("double"), col("close").cast("double"),
            col("volume").cast("double"))
        .orderBy("symbol", "window_start").collectAsList();
    Map<String, List<Row>> bySymbol = new java.util.TreeMap<>();
    rows.forEach(r -> bySymbol.computeIfAbsent(r.getString(0), s -> new ArrayList<>()).add(r));
    List<ReportHtml.SymbolSeries> series = new ArrayList<>();
    bySymbol.forEach((symbol, points) -> {
      Row d = daily.get(symbol);
      List<ReportHtml.Candle> ohlcv = points.stream().map(r -> new ReportHtml.Candle(
          r.getTimestamp(1).toInstant(), r.getDouble(2), r.getDouble(3), r.getDouble(4),
          r.getDouble(5), r.isNullAt(6) ? null : r.getDouble(6))).toList();
      series.add(new ReportHtml.SymbolSeries(symbol, ohlcv,
          d == null ? ohlcv.get(ohlcv.size() - 1).close()
              : d.<java.math.BigDecimal>getAs("last_price").doubleValue(),
          d == null || d.isNullAt(d.fieldIndex("change_24h_pct")) ? 0
              : d.<java.math.BigDecimal>getAs("change_24h_pct").doubleValue(),
          predictions.getOrDefault(symbol, List.of()), completeness.get(symbol)));
    });
    return new Contents(window, series, modelRuns(spark, lakehouse));
  }

  /** The report as HTML, stamped with the current time. */
  public static String html(Contents contents) {
    return ReportHtml.render("marketlake report", requireWindow(contents.window()),
        contents.series(), contents.modelRuns(),
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
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

}
