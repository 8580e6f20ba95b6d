package io.marketlake.bronze;

import io.marketlake.common.Cli;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Topics;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bronze}: the spark-submit entry point of the bronze layer. */
@Command(name = "bronze", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Stream the market-data topic from Kafka into the bronze Delta table.")
public final class BronzeCommand implements Callable<Integer> {
  @Mixin LakehouseOptions lakehouse = new LakehouseOptions();

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the stack's, with --workdir).")
  String bootstrapServers;

  @Option(names = "--topic", description = "Topic to read (default: the stack's, else "
      + Topics.MARKET_DATA + ").")
  String topic;

  @Option(names = "--starting-offsets", defaultValue = BronzeConfig.DEFAULT_STARTING_OFFSETS,
      description = "Where a new query starts: earliest, latest, or Spark's JSON of offsets per"
          + " partition. Ignored once the checkpoint exists (default: ${DEFAULT-VALUE}).")
  String startingOffsets;

  @Option(names = "--max-offsets-per-trigger", paramLabel = "N",
      description = "Upper bound of Kafka records per micro-batch (default: no bound).")
  Long maxOffsetsPerTrigger;

  @Option(names = "--fail-on-data-loss", defaultValue = "true", arity = "1",
      description = "Stop when offsets were deleted by retention before bronze read them"
          + " (default: ${DEFAULT-VALUE}).")
  boolean failOnDataLoss;

  @Option(names = "--trigger", defaultValue = "available-now", paramLabel = "available-now|DURATION",
      description = "available-now drains the topic and stops; a duration such as 30s or 1m runs"
          + " continuously with that processing-time interval (default: ${DEFAULT-VALUE}).")
  String trigger;

  @Option(names = "--kafka-option", paramLabel = "KEY=VALUE",
      description = "Extra option for Spark's Kafka source, repeatable,"
          + " e.g. kafka.security.protocol=SASL_SSL.")
  Map<String, String> kafkaOptions = new LinkedHashMap<>();

  BronzeConfig toConfig() {
    StackEndpoints stack = lakehouse.stack();
    return new BronzeConfig(
        StackEndpoints.pick(bootstrapServers, stack, StackEndpoints::kafkaBootstrap, null),
        StackEndpoints.pick(topic, stack, StackEndpoints::topic, Topics.MARKET_DATA),
        startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, parseTrigger(trigger),
        kafkaOptions);
  }

  static Duration parseTrigger(String value) {
    return io.marketlake.common.Durations.trigger("--trigger", value);
  }

  @Override
  public Integer call() throws Exception {
    BronzeConfig config = toConfig();
    LayerContext ctx = LayerContext.forWriting(LeasedJob.BRONZE, lakehouse,
        config.bootstrapServers());
    BronzeJob.BronzeResult result = new BronzeJob(config).run(ctx);
    System.out.printf("bronze: %d rows appended in %d batches to %s (%.1f s)%n",
        result.rowsWritten(), result.batches(), ctx.tables().bronzeCandlesRaw(),
        result.millis() / 1000.0);
    return Cli.OK;
  }

  public static void main(String[] args) {
    Cli.finish(Cli.run(new BronzeCommand(), args));
  }
}
