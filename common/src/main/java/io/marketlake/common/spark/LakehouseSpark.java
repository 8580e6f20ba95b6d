package io.marketlake.common.spark;

import io.marketlake.common.S3Settings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Spark session set-up shared by every layer: Delta enabled, S3A configured for the given storage.
 *
 * <p>Under {@code spark-submit} or on Databricks the session already exists; {@link #configure}
 * only adds what is missing, so cluster settings win over ours. Commands reach it through {@link
 * LayerContext}, which probes the storage first. Spark is a provided dependency
 * here: Spark-free modules may depend on this module without ever loading this class.
 */
public final class LakehouseSpark {
  private LakehouseSpark() {}

  /**
   * The active session if there is one (spark-submit, Databricks, tests), else a new local one.
   *
   * @param master used only when no master is set, e.g. {@code local[2]}
   */
  public static SparkSession getOrCreate(String appName, String master, S3Settings s3) {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (!conf.contains("spark.master") && !master.startsWith("local")) {
      // A cluster without spark-submit (bin/marketlake --master spark://…): spark-submit would
      // ship the application jar to the executors; here our jars must be named, or executors
      // fail to deserialize the layers' functions.
      conf.setMaster(master);
      String jars = marketlakeJars(System.getProperty("java.class.path"));
      if (!jars.isEmpty()) conf.setIfMissing("spark.jars", jars);
    }
    if (!conf.contains("spark.master")) {
      conf.setMaster(master);
      // Local runs: bind loopback only, keep the UI and shuffle small for a laptop.
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", "4");
      // Delta rebuilds table state with 50 partitions by default: tiny tasks that dominate
      // every small table's load time on a laptop.
      conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "4");
      conf.setIfMissing("spark.ui.showConsoleProgress", "false");
      // One JVM runs every query (live: five streams, scoring, training, the dashboard), and
      // Spark's JVM-wide cache of compiled generated code holds 100 classes: live evicted code
      // between the driver compiling it and its tasks running it, and the tasks compiled it again
      // (thread dumps during live's first train: a third of the samples in Janino).
      conf.setIfMissing("spark.sql.codegen.cache.maxEntries", CODEGEN_CACHE_ENTRIES);
    }
    deltaConf().forEach(conf::setIfMissing);
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    configure(spark, s3);
    return spark;
  }

  /**
   * The jars of marketlake's modules on {@code classpath}, comma-separated for {@code
   * spark.jars}: what executors need of ours (class directories cannot be shipped; the launcher's
   * own classes never run on an executor).
   */
  static String marketlakeJars(String classpath) {
    return java.util.Arrays.stream(classpath.split(java.io.File.pathSeparator))
        .filter(p -> p.endsWith(".jar")
            && java.nio.file.Path.of(p).getFileName().toString().startsWith("marketlake-"))
        .collect(java.util.stream.Collectors.joining(","));
  }

  /** Compiled generated classes kept per JVM in local runs (Spark's default: 100). */
  public static final String CODEGEN_CACHE_ENTRIES = "2000";

  /** Delta's session extension and catalog; must be set before the session starts. */
  public static Map<String, String> deltaConf() {
    return Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  }

  /**
   * Points S3A at the storage and pins the session time zone to UTC (event times, day partitions
   * and daily rollups are UTC everywhere). Safe to call on a running session.
   */
  public static void configure(SparkSession spark, S3Settings s3) {
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    Map<String, String> settings = hadoopConf(s3);
    settings.forEach(spark.sparkContext().hadoopConfiguration()::set);
    Map<String, String> before = LAST_SETTINGS.getAndSet(settings);
    if (before != null && !before.equals(settings)) {
      // Hadoop caches one file system per bucket JVM-wide, whatever the session, built with the
      // settings of its time: another S3 server in the same JVM (tests and benchmarks start
      // stacks in turn; a new session after a stopped one) needs new ones.
      try {
        org.apache.hadoop.fs.FileSystem.closeAll();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot reset the S3A file systems", e);
      }
    }
  }

  /** The S3A settings this JVM's file systems were last configured with. */
  private static final java.util.concurrent.atomic.AtomicReference<Map<String, String>>
      LAST_SETTINGS = new java.util.concurrent.atomic.AtomicReference<>();

  /** The S3A options for the given storage (without the {@code spark.hadoop.} prefix). */
  public static Map<String, String> hadoopConf(S3Settings s3) {
    java.util.LinkedHashMap<String, String> conf = new java.util.LinkedHashMap<>();
    conf.put("fs.s3a.endpoint.region", s3.region());
    if (s3.endpoint() != null) {
      conf.put("fs.s3a.endpoint", s3.endpoint());
      conf.put("fs.s3a.path.style.access", "true");
      conf.put("fs.s3a.connection.ssl.enabled", String.valueOf(s3.endpoint().startsWith("https")));
    }
    if (s3.hasStaticKeys()) {
      // Local S3 server only. On AWS no keys are set and S3A uses its default chain.
      conf.put("fs.s3a.aws.credentials.provider",
          "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      conf.put("fs.s3a.access.key", s3.accessKey());
      conf.put("fs.s3a.secret.key", s3.secretKey());
    }
    return conf;
  }

  /**
   * Whether the table has a Delta log. Asked of the file system rather than by catching a failed
   * query, so that an unreachable store or bad credentials fail the run instead of reading as
   * "no table yet".
   */
  public static boolean isDelta(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
