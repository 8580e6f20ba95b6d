package io.marketlake.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.spark.LakehouseSpark;
import io.marketlake.ingest.IngestCommand;
import io.marketlake.silver.QualityRules;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

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
    this.spark = LakehouseSpark.getOrCreate("marketlake-it", "local[2]", endpoints.s3());
    this.stateDir = stack.workdir().resolve("ingest-state-" + topic);
  }

  /** What {@code ingest ...} printed and returned. */
  record CommandRun(int exitCode, String out, String err) {}

  /** Any command, through the project's command-line error handling. */
  CommandRun run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Cli.commandLine(command);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
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
    return new BronzeConfig(endpoints.kafkaBootstrap(), topic, lakehouse,
        endpoints.s3(), "local[2]", "earliest", maxOffsetsPerTrigger, true, trigger, Map.of());
  }

  BronzeJob.BronzeResult bronze() throws Exception {
    return new BronzeJob(bronzeConfig(null, null)).run(spark);
  }

  SilverJob.SilverResult silver() throws Exception {
    return silver(null);
  }

  SilverJob.SilverResult silver(Integer maxFilesPerTrigger) throws Exception {
    return new SilverJob(new SilverConfig(lakehouse, endpoints.s3(), "local[2]",
        QualityRules.defaults(), maxFilesPerTrigger)).run(spark);
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
