package io.marketlake.common.spark;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import org.apache.spark.sql.SparkSession;

/**
 * One local[2] SparkSession per test JVM, Delta enabled, UI off, two shuffle partitions: starting
 * Spark costs seconds, so every test class shares it.
 */
public final class TestSpark {
  private static SparkSession spark;

  private TestSpark() {}

  /** The tests' shared session; a new one if a test stopped it (as {@code live} stops its own). */
  public static synchronized SparkSession get() {
    if (spark == null || spark.sparkContext().isStopped()) {
      SparkSession.Builder builder =
          SparkSession.builder()
              .appName("marketlake-tests")
              .master(io.marketlake.common.Defaults.SPARK_MASTER)
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
              .config("spark.sql.codegen.cache.maxEntries", LakehouseSpark.CODEGEN_CACHE_ENTRIES);
      LakehouseSpark.deltaConf().forEach(builder::config);
      spark = builder.getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** The shared session around a local lakehouse (file: or a test's own S3 server). */
  public static LayerContext context(Lakehouse lakehouse) {
    return LayerContext.of(get(), lakehouse, S3Settings.aws(null));
  }
}
