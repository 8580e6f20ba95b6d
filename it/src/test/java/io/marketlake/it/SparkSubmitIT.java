package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each layer's spark-submit jar, run in order by {@code org.apache.spark.deploy.SparkSubmit} (the
 * class {@code spark-submit} runs) in local mode against the local stack, each in its own JVM as
 * on a cluster. The child JVM's classpath stands in for a cluster's: Spark, Delta, the Kafka
 * connector and S3A, but none of marketlake's modules and no picocli, so every one of our classes
 * must come from the layer jar.
 */
class SparkSubmitIT {
  private static final Instant FROM = Instant.parse("2026-02-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-02-02T00:00:00Z");
  private static final long CANDLES = 2 * 1440;

  @TempDir Path workdir;

  @Test
  void everyLayerRunsFromItsJarUnderSparkSubmit() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(3))) {
      Backfill.run(IngestConfig.of(stack.endpoints().exchangeUrl(),
              List.of("BTCUSDT", "ETHUSDT"), stack.endpoints().kafkaBootstrap())
          .withTopic(stack.endpoints().topic()).withProgress(false), FROM, TO);

      assertThat(submit("bronze", "io.marketlake.bronze.BronzeCommand"))
          .contains("bronze: " + CANDLES + " rows appended");
      assertThat(submit("silver", "io.marketlake.silver.SilverCommand"))
          .contains("silver: " + CANDLES + " bronze rows read; candles " + CANDLES + " inserted");
      assertThat(submit("gold", "io.marketlake.gold.GoldCommand")).contains("gold: ");
      assertThat(submit("gold", "io.marketlake.gold.TrainCommand", "--folds", "2"))
          .contains("train: model v1");

      Path lakehouse = stack.s3().dataDir().resolve(EmbeddedStack.BUCKET).resolve("lakehouse");
      assertThat(count(lakehouse.resolve("bronze/market_data_raw"))).isEqualTo(CANDLES);
      assertThat(count(lakehouse.resolve("silver/candles_1m"))).isEqualTo(CANDLES);
      assertThat(count(lakehouse.resolve("gold/candles_5m"))).isEqualTo(2 * 288);
      assertThat(count(lakehouse.resolve("gold/candles_1h"))).isEqualTo(2 * 24);
      assertThat(count(lakehouse.resolve("gold/candles_1d"))).isEqualTo(2);
      assertThat(count(lakehouse.resolve("gold/features"))).isEqualTo(CANDLES - 2 * io.marketlake.gold.Features.MAX_LAG);
      assertThat(count(lakehouse.resolve("gold/model_runs"))).isEqualTo(1);
      assertThat(count(lakehouse.resolve("gold/trend_predictions"))).isPositive();
    }
  }

  /** Runs one layer under SparkSubmit in a child JVM; returns its output. */
  private String submit(String module, String mainClass, String... extra) throws Exception {
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
        "--master", io.marketlake.common.Defaults.SPARK_MASTER,
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.ui.showConsoleProgress=false",
        // A 2-core laptop, not a cluster: the defaults (200 shuffle partitions, 50 for Delta's
        // snapshot) make each tiny MERGE hundreds of tasks.
        "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.default.parallelism=2",
        "--conf", "spark.databricks.delta.snapshotPartitions=2",
        "--class", mainClass, jar.toString(),
        "--workdir", workdir.toString()));
    command.addAll(Arrays.asList(extra));
    Path log = workdir.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
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
