package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.CommandRun;
import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Defaults;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.ingest.IngestCommand;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the layers against one local stack the way their commands do, for the fault tests: ingest
 * through its real command line, bronze and silver in this JVM's Spark session.
 */
final class StackLayers {
  static final long MINUTE_MS = 60_000;

  final EmbeddedStack stack;
  final StackEndpoints endpoints;
  final Lakehouse lakehouse;
  final String topic;
  final LayerContext ctx;
  final SparkSession spark;
  final Path stateDir;

  /** The stack's own topic and lakehouse. */
  StackLayers(EmbeddedStack stack) {
    this(stack, stack.endpoints().topic(), stack.endpoints().lakehouseLocation());
  }

  /** A topic and lakehouse of the caller's, so that several tests can share one stack. */
  StackLayers(EmbeddedStack stack, String topic, Lakehouse lakehouse) {
    this.stack = stack;
    this.endpoints = stack.endpoints();
    this.topic = topic;
    this.lakehouse = lakehouse;
    this.ctx = LayerContext.open("marketlake-it", lakehouse, endpoints.s3(),
        Defaults.SPARK_MASTER);
    this.spark = ctx.spark();
    this.stateDir = stack.workdir().resolve("ingest-state-" + topic);
  }

  /** Any command, through the project's command-line error handling. */
  CommandRun run(Object command, String... args) {
    return CommandRun.of(command, args);
  }

  /** {@code ingest SUBCOMMAND} against this stack's exchange and broker, plus {@code args}. */
  CommandRun ingest(String subcommand, String... args) {
    List<String> all = new ArrayList<>(List.of(subcommand,
        "--base-url", endpoints.exchangeUrl(), "--bootstrap-servers", endpoints.kafkaBootstrap(),
        "--topic", topic, "--state-dir", stateDir.toString()));
    if (subcommand.equals("backfill")) all.add("--no-progress");
    all.addAll(List.of(args));
    return run(new IngestCommand(), all.toArray(String[]::new));
  }

  BronzeConfig bronzeConfig(Long maxOffsetsPerTrigger, java.time.Duration trigger) {
    return BronzeConfig.defaults(endpoints.kafkaBootstrap()).withTopic(topic)
        .withMaxOffsetsPerTrigger(maxOffsetsPerTrigger).withTrigger(trigger);
  }

  BronzeJob.BronzeResult bronze() throws Exception {
    return new BronzeJob(bronzeConfig(null, null)).run(ctx);
  }

  SilverJob.SilverResult silver() throws Exception {
    return silver(null);
  }

  SilverJob.SilverResult silver(Integer maxFilesPerTrigger) throws Exception {
    return new SilverJob(SilverConfig.defaults().withMaxFilesPerTrigger(maxFilesPerTrigger))
        .run(ctx);
  }

  long count(String table) {
    return spark.read().format("delta").load(table).count();
  }

  /** Silver's candles: symbol → open time (epoch ms) → row. */
  Map<String, TreeMap<Long, Row>> silverCandles() {
    Map<String, TreeMap<Long, Row>> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(lakehouse.silverCandles1m()).collectAsList()) {
      Row previous = out.computeIfAbsent(r.getAs("symbol"), s -> new TreeMap<>())
          .put(r.<Timestamp>getAs("open_time").getTime(), r);
      assertThat(previous).as("two silver rows for %s %s", r.getAs("symbol"), r.getAs("open_time"))
          .isNull();
    }
    return out;
  }

  /** Every minute from {@code from} to {@code to}, both inclusive. */
  static List<Long> minutes(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long t = from; t <= to; t += MINUTE_MS) out.add(t);
    return out;
  }
}
