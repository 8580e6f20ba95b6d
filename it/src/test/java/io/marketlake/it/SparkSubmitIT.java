package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Defaults;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.gold.GoldConfig;
import io.marketlake.gold.GoldJob;
import io.marketlake.gold.TrainConfig;
import io.marketlake.gold.TrainJob;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.common.spark.TestSpark;
import io.marketlake.ingest.Backfill;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each layer's spark-submit jar, run in order by {@code org.apache.spark.deploy.SparkSubmit} (the
 * class {@code spark-submit} runs) against the local stack, each in its own JVM as on a cluster,
 * on a real standalone cluster ({@link SparkCluster}: a master and two workers, executors in JVMs
 * of their own), and the lakehouse must hold the same rows as the same jobs run in local mode in
 * this JVM. Without the cluster pass (a developer's run), the jars are submitted in local mode. The
 * submitting JVM's classpath stands in for a cluster's: Spark, Delta, the Kafka connector and
 * S3A, but none of marketlake's modules and no picocli, so every one of our classes must come
 * from the layer jar, and on the cluster reach the executors from it. What a deployment gets
 * wrong shows here first: S3A settings only the driver has, closures that do not serialize,
 * classes missing on the executors.
 */
class SparkSubmitIT {
  private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-02-02T00:00:00Z");
  private static final long CANDLES = 2 * 1440;

  @TempDir Path workdir;

  @Test
  void everyLayerRunsFromItsJarLocallyAndOnAStandaloneClusterWithTheSameRows() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(3))) {
      Backfill.run(IngestConfig.of(stack.endpoints().exchangeUrl(),
              List.of("BTCUSDT", "ETHUSDT"), stack.endpoints().kafkaBootstrap())
          .withTopic(stack.endpoints().topic()).withProgress(false), FROM, TO);
      Path buckets = stack.s3().dataDir().resolve(EmbeddedStack.BUCKET);

      Path local = buckets.resolve("lakehouse");
      boolean cluster = clusterPass();
      if (cluster) {
        // The cluster pass submits every jar; the local reference it is compared with runs in
        // this JVM (the same jobs, four spark-submit JVMs fewer: about 2 minutes).
        runLayersInProcess(stack);
      } else {
        runLayers(Defaults.SPARK_MASTER, EmbeddedStack.LAKEHOUSE);
      }
      assertThat(count(local.resolve("bronze/market_data_raw"))).isEqualTo(CANDLES);
      assertThat(count(local.resolve("silver/candles_1m"))).isEqualTo(CANDLES);
      assertThat(count(local.resolve("gold/candles_5m"))).isEqualTo(2 * 288);
      assertThat(count(local.resolve("gold/candles_1h"))).isEqualTo(2 * 24);
      assertThat(count(local.resolve("gold/candles_1d"))).isEqualTo(2);
      assertThat(count(local.resolve("gold/features")))
          .isEqualTo(CANDLES - 2 * io.marketlake.gold.Features.MAX_LAG);
      assertThat(count(local.resolve("gold/model_runs"))).isEqualTo(1);
      assertThat(count(local.resolve("gold/trend_predictions"))).isPositive();

      if (!cluster) {
        System.out.println("SparkSubmitIT: the cluster pass is skipped: it runs in CI (CI=true,"
            + " as .ci/run sets) or with -Dmarketlake.cluster=true (about 6 minutes on 2 cores)");
        return;
      }
      Path onCluster = buckets.resolve("cluster");
      try (SparkCluster spark = SparkCluster.start(workdir.resolve("cluster"), 2)) {
        runLayers(spark.masterUrl(), "s3a://" + EmbeddedStack.BUCKET + "/cluster",
            // Executors of their own, one core each, on both workers.
            "--conf", "spark.executor.cores=1", "--conf", "spark.executor.memory=512m",
            "--conf", "spark.cores.max=2",
            // Tasks of cached and checkpointed data would wait 3 s for "their" executor, stage
            // after stage; on a 2-core machine any executor is as local as another.
            "--conf", "spark.locality.wait=0s");
        // bin/marketlake on the cluster, without spark-submit: it must ship our jars itself.
        assertThat(marketlake("gold-5m", "--master", spark.masterUrl(), "--workdir",
            workdir.toString(), "--lakehouse", "s3a://" + EmbeddedStack.BUCKET + "/cluster",
            "--trigger", "available-now"))
            .contains("gold-5m: " + CANDLES + " candles read");
      }
      assertSameRows(local, onCluster, "bronze/market_data_raw",
          "topic, partition, offset, key, value");
      assertSameRows(local, onCluster, "silver/candles_1m",
          "symbol, open_time, open, high, low, close, volume, trades, kafka_offset");
      assertSameRows(local, onCluster, "gold/candles_5m",
          "symbol, window_start, open, high, low, close, volume, candle_count, complete");
      assertSameRows(local, onCluster, "gold/candles_1d",
          "symbol, window_start, open, high, low, close, volume, candle_count, complete");
      assertThat(count(onCluster.resolve("gold/features")))
          .isEqualTo(count(local.resolve("gold/features")));
      assertThat(count(onCluster.resolve("gold/model_runs"))).isEqualTo(1);
      assertThat(count(onCluster.resolve("gold/trend_predictions")))
          .isEqualTo(count(local.resolve("gold/trend_predictions")));
    }
  }

  /**
   * Whether to run the cluster pass: a master, two workers and every layer on them take about 8
   * minutes on 2 cores, so CI runs it (.ci/run sets CI=true) and a developer asks for it.
   */
  static boolean clusterPass() {
    return Boolean.getBoolean("marketlake.cluster") || "true".equals(System.getenv("CI"));
  }

  /**
   * bronze, silver, gold and train in this JVM's Spark session (local mode), into the stack's own
   * lakehouse, with the settings the submitted jobs get from their command lines' defaults.
   */
  private static void runLayersInProcess(EmbeddedStack stack) throws Exception {
    long started = System.nanoTime();
    LayerContext ctx = LayerContext.open("marketlake-it", stack.endpoints().lakehouseLocation(),
        stack.endpoints().s3(), Defaults.SPARK_MASTER);
    assertThat(new BronzeJob(BronzeConfig.defaults(stack.endpoints().kafkaBootstrap())
        .withTopic(stack.endpoints().topic())).run(ctx).rowsWritten()).isEqualTo(CANDLES);
    assertThat(new SilverJob(SilverConfig.defaults()).run(ctx).candlesInserted())
        .isEqualTo(CANDLES);
    new GoldJob(GoldConfig.defaults()).run(ctx);
    assertThat(new TrainJob(TrainConfig.defaults().withFolds(2)).run(ctx).modelVersion()).isEqualTo(1);
    System.out.printf("SparkSubmitIT: the local reference in this JVM: %.1f s%n",
        (System.nanoTime() - started) / 1e9);
  }

  /** bronze, silver, gold and train, each submitted to {@code master}, into {@code lakehouse}. */
  private void runLayers(String master, String lakehouse, String... conf) throws Exception {
    List<String> where = new ArrayList<>(List.of("--lakehouse", lakehouse));
    assertThat(submit(master, "bronze", "io.marketlake.bronze.BronzeCommand", conf, where))
        .contains("bronze: " + CANDLES + " rows appended");
    assertThat(submit(master, "silver", "io.marketlake.silver.SilverCommand", conf, where))
        .contains("silver: " + CANDLES + " bronze rows read; candles " + CANDLES + " inserted");
    assertThat(submit(master, "gold", "io.marketlake.gold.GoldCommand", conf, where))
        .contains("gold: ");
    List<String> train = new ArrayList<>(where);
    train.addAll(List.of("--folds", "2"));
    assertThat(submit(master, "gold", "io.marketlake.gold.TrainCommand", conf, train))
        .contains("train: model v1");
  }

  /** {@code bin/marketlake ARGS} as a user runs it (the build is done); its output. */
  private static String marketlake(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        LayerJars.projectRoot().resolve("bin").resolve("marketlake").toString()));
    command.addAll(List.of(args));
    Path log = Files.createDirectories(Path.of("target", "spark-submit-logs"))
        .resolve("marketlake-" + args[0] + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("MARKETLAKE_SKIP_BUILD", "1");
    // Spark settings reach bin/marketlake as system properties: a laptop's shuffle sizes.
    builder.environment().put("MARKETLAKE_JAVA_OPTS", "-Dspark.sql.shuffle.partitions=2"
        + " -Dspark.databricks.delta.snapshotPartitions=2 -Dspark.locality.wait=0s"
        + " -Dspark.executor.memory=512m");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long started = System.nanoTime();
    Process process = builder.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) process.destroyForcibly();
    System.out.printf("SparkSubmitIT: bin/marketlake %s: %.1f s%n", args[0],
        (System.nanoTime() - started) / 1e9);
    String output = Files.readString(log);
    assertThat(finished).as("bin/marketlake %s finished; log:%n%s", args[0], output).isTrue();
    assertThat(process.exitValue()).as("bin/marketlake %s exit code; log:%n%s", args[0], output)
        .isZero();
    return output;
  }

  private static void assertSameRows(Path local, Path cluster, String table, String columns) {
    Dataset<Row> a = TestSpark.get().read().format("delta")
        .load(local.resolve(table).toUri().toString()).selectExpr(columns.split(", "));
    Dataset<Row> b = TestSpark.get().read().format("delta")
        .load(cluster.resolve(table).toUri().toString()).selectExpr(columns.split(", "));
    assertThat(b.count()).as(table + " rows").isEqualTo(a.count()).isPositive();
    assertThat(a.exceptAll(b).count()).as(table + ": local rows not on the cluster").isZero();
    assertThat(b.exceptAll(a).count()).as(table + ": cluster rows not in local mode").isZero();
  }

  /** Runs one layer under SparkSubmit in a child JVM; returns its output. */
  private String submit(String master, String module, String mainClass, String[] conf,
      List<String> extra) throws Exception {
    Path jar = LayerJars.jar("marketlake-" + module + "-0.1.0-SNAPSHOT-spark.jar");
    Path log4j = workdir.resolve("log4j2-warn.properties");
    if (!Files.exists(log4j)) {
      // Spark logs at INFO by default: megabytes per layer, and time.
      Files.writeString(log4j, String.join("\n",
          "rootLogger.level = warn",
          "rootLogger.appenderRef.console.ref = console",
          "appender.console.type = Console",
          "appender.console.name = console",
          "appender.console.target = SYSTEM_ERR",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n", ""));
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx1g", "-XX:+UseParallelGC",
        "-Dlog4j2.configurationFile=" + log4j.toUri()));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .forEach(command::add);
    command.addAll(List.of("-cp", LayerJars.clusterClasspath(),
        "org.apache.spark.deploy.SparkSubmit",
        "--master", master,
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.ui.showConsoleProgress=false",
        // A 2-core laptop, not a cluster: the defaults (200 shuffle partitions, 50 for Delta's
        // snapshot) make each tiny MERGE hundreds of tasks.
        "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.default.parallelism=2",
        "--conf", "spark.databricks.delta.snapshotPartitions=2"));
    command.addAll(Arrays.asList(conf));
    command.addAll(List.of("--class", mainClass, jar.toString(),
        "--workdir", workdir.toString()));
    command.addAll(extra);
    Path log = Files.createDirectories(Path.of("target", "spark-submit-logs")).resolve(
        mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-"
        + master.replaceAll("\\W", "_") + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long started = System.nanoTime();
    Process process = builder.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    System.out.printf("SparkSubmitIT: %s on %s: %.1f s%n", mainClass, master,
        (System.nanoTime() - started) / 1e9);
    if (!finished) process.destroyForcibly();
    String output = Files.readString(log);
    assertThat(finished).as("%s finished within 5 minutes; log:%n%s", mainClass, output).isTrue();
    assertThat(process.exitValue()).as("%s exit code; log:%n%s", mainClass, output).isZero();
    return output;
  }

  private static long count(Path table) {
    return TestSpark.get().read().format("delta").load(table.toUri().toString()).count();
  }
}
