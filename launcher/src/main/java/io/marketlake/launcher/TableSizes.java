package io.marketlake.launcher;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;

/** Row counts of every table a lakehouse holds, by name, in flow order. */
final class TableSizes {
  private TableSizes() {}

  static Map<String, String> tables(Lakehouse lakehouse) {
    Map<String, String> tables = new LinkedHashMap<>();
    lakehouse.tables().forEach(t -> tables.put(t.name(), t.path()));
    return tables;
  }

  /**
   * Counts every table that exists (the live 5m view's tables exist only once {@code gold
   * gold-5m} has run); concurrently, since each count mostly waits on storage round trips.
   */
  static Map<String, Long> count(SparkSession spark, Lakehouse lakehouse) throws Exception {
    Map<String, String> tables = tables(lakehouse);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Map<String, Future<Long>> counts = new LinkedHashMap<>();
      tables.forEach((name, path) -> counts.put(name, pool.submit(() ->
          DeltaTable.isDeltaTable(spark, path)
              ? spark.read().format("delta").load(path).count() : -1L)));
      Map<String, Long> rows = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Long>> e : counts.entrySet()) {
        long count = e.getValue().get();
        if (count >= 0) rows.put(e.getKey(), count);
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }
}
