package io.marketlake.bench;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.stack.EmbeddedStack;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Bronze's throughput next to the plainest Spark job that does the same I/O: Kafka → Parquet of
 * the same messages, in the same JVM and session, each round on a fresh checkpoint, the order
 * alternating between rounds so that neither always runs warm. Both read the whole topic in one
 * available-now run and write to the local S3 server through S3A.
 */
final class BronzeThroughput {
  private final EmbeddedStack stack;
  private final SparkSession spark;
  private final int messages;
  private final int rounds;

  BronzeThroughput(EmbeddedStack stack, SparkSession spark, int messages, int rounds) {
    this.stack = stack;
    this.spark = spark;
    this.messages = messages;
    this.rounds = rounds;
  }

  /** One timed run: rows, bytes of key + value, seconds. */
  record Run(String job, int round, long rows, long bytes, double seconds) {
    double rowsPerSecond() {
      return rows / seconds;
    }

    double megabytesPerSecond() {
      return bytes / 1e6 / seconds;
    }
  }

  Figures.Section run() throws Exception {
    String topic = stack.uniqueTopic("bench-bronze");
    long bytes = SyntheticCandles.produce(stack.endpoints().kafkaBootstrap(), topic, 10,
        messages);
    String warmTopic = stack.uniqueTopic("bench-bronze-warm");
    SyntheticCandles.produce(stack.endpoints().kafkaBootstrap(), warmTopic, 10,
        Math.max(1000, messages / 20));
    // Warm-up: JIT, Kafka connector and Delta classes, S3A connections. Not measured.
    bronze(warmTopic, 0, 0);
    parquet(warmTopic, 0, 0);

    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean bronzeFirst = round % 2 == 1;
      for (int i = 0; i < 2; i++) {
        Run r = (i == 0) == bronzeFirst ? bronze(topic, round, bytes) : parquet(topic, round, bytes);
        System.out.println(Figures.format("  round %d %-8s %,d rows in %.1f s: %,.0f rows/s,"
            + " %.2f MB/s", round, r.job(), r.rows(), r.seconds(), r.rowsPerSecond(),
            r.megabytesPerSecond()));
        runs.add(r);
      }
    }
    double[] bronzeRates = rates(runs, "bronze");
    double[] bareRates = rates(runs, "parquet");
    double bronzeRate = Figures.median(bronzeRates);
    double bareRate = Figures.median(bareRates);
    double[] paired = Figures.pairedRatios(bronzeRates, bareRates);
    double ratio = Figures.median(paired);
    Figures.Table table = new Figures.Table("round", "job", "rows", "seconds", "rows/s", "MB/s");
    for (Run r : runs) {
      table.row(r.round(), r.job(), Figures.format("%,d", r.rows()),
          Figures.format("%.1f", r.seconds()), Figures.format("%,.0f", r.rowsPerSecond()),
          Figures.format("%.2f", r.megabytesPerSecond()));
    }
    double mb = bytes / 1e6;
    return new Figures.Section("Bronze throughput next to a bare Kafka → Parquet job",
        "bench/run.sh --only bronze",
        List.of(Figures.format("%,d messages (%.1f MB of keys and values, real candle JSON), %d"
                + " rounds; medians: bronze %,.0f rows/s (%.2f MB/s), bare Kafka → Parquet %,.0f"
                + " rows/s (%.2f MB/s)", messages, mb, rounds, bronzeRate, bronzeRate * mb / messages,
                bareRate, bareRate * mb / messages),
            Figures.format("**ratio bronze / bare: %.2f** (the median of the rounds' ratios,"
                + " %s; target ≥ 0.9: %s)", ratio, java.util.Arrays.stream(paired)
                    .mapToObj(r -> Figures.format("%.2f", r))
                    .collect(java.util.stream.Collectors.joining(", ")),
                ratio >= 0.9 ? "met" : "missed")),
        table.markdown());
  }

  private static double[] rates(List<Run> runs, String job) {
    return runs.stream().filter(r -> r.job().equals(job)).mapToDouble(Run::rowsPerSecond)
        .toArray();
  }

  private Run bronze(String topic, int round, long bytes) throws Exception {
    Lakehouse lakehouse = stack.uniqueLakehouse("bench-bronze-" + round);
    BronzeConfig config = BronzeConfig.defaults(stack.endpoints().kafkaBootstrap())
        .withTopic(topic);
    LayerContext ctx = LayerContext.of(spark, lakehouse, stack.endpoints().s3());
    long started = System.nanoTime();
    BronzeJob.BronzeResult result = new BronzeJob(config).run(ctx);
    return new Run("bronze", round, result.rowsWritten(), bytes,
        (System.nanoTime() - started) / 1e9);
  }

  private Run parquet(String topic, int round, long bytes) throws Exception {
    String root = stack.uniqueLakehouse("bench-parquet-" + round).root();
    long started = System.nanoTime();
    long rows = bareKafkaToParquet(spark, stack.endpoints().kafkaBootstrap(), topic, root);
    return new Run("parquet", round, rows, bytes, (System.nanoTime() - started) / 1e9);
  }

  /**
   * The baseline: the same Kafka rows, turned into the same columns by the same transform,
   * appended to plain Parquet files under {@code root}, checkpointed; no Delta log, no
   * statistics, no partitions. Returns the rows written.
   */
  static long bareKafkaToParquet(SparkSession spark, String bootstrap, String topic, String root)
      throws Exception {
    var query = BronzeJob.toBronze(spark.readStream().format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .option("includeHeaders", "true")
            .load())
        .writeStream().format("parquet")
        .option("checkpointLocation", root + "/_checkpoint")
        .trigger(Trigger.AvailableNow())
        .start(root + "/data");
    query.awaitTermination();
    long rows = 0;
    for (var progress : query.recentProgress()) rows += progress.numInputRows();
    return rows;
  }
}
