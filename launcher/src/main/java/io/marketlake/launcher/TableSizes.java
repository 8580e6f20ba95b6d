package io.marketlake.launcher;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/** Row counts of every table of a lakehouse, by name, in flow order. */
final class TableSizes {
  private TableSizes() {}

  static Map<String, String> tables(Lakehouse lakehouse) {
    Map<String, String> tables = new LinkedHashMap<>();
    tables.put("bronze.market_data_raw", lakehouse.bronzeCandlesRaw());
    tables.put("silver.candles_1m", lakehouse.silverCandles1m());
    tables.put("silver.quarantine", lakehouse.silverQuarantine());
    tables.put("silver.quality_metrics", lakehouse.silverQualityMetrics());
    for (String window : new String[] {"5m", "1h", "1d"}) {
      tables.put("gold.candles_" + window, lakehouse.goldCandles(window));
    }
    tables.put("gold.daily_change", lakehouse.goldDailyChange());
    tables.put("gold.features", lakehouse.goldFeatures());
    tables.put("gold.model_runs", lakehouse.goldModelRuns());
    tables.put("gold.trend_predictions", lakehouse.goldPredictions());
    return tables;
  }

  /** Counts every table; concurrently, since each count mostly waits on storage round trips. */
  static Map<String, Long> count(SparkSession spark, Lakehouse lakehouse) throws Exception {
    Map<String, String> tables = tables(lakehouse);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Map<String, Future<Long>> counts = new LinkedHashMap<>();
      tables.forEach((name, path) -> counts.put(name, pool.submit(() ->
          DeltaTable.isDeltaTable(spark, path)
              ? spark.read().format("delta").load(path).count() : 0L)));
      Map<String, Long> rows = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Long>> e : counts.entrySet()) {
        rows.put(e.getKey(), e.getValue().get());
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }
}
