package io.marketlake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.to_date;

import io.marketlake.common.spark.DeltaCreate;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkLeases;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Kafka → bronze Delta table, append only, exactly once across restarts.
 *
 * <p>Exactly once comes from two mechanisms working together: the streaming checkpoint records
 * which offsets each micro-batch covers before it runs, and Delta's streaming sink commits each
 * batch with the query id and batch id as an idempotent transaction, so a batch replayed after a
 * crash is recognised and skipped instead of appended twice.
 */
public final class BronzeJob {
  /**
   * The columns Delta keeps file statistics (min, max, nulls) for: what reads filter on and
   * OPTIMIZE ZORDERs by. Not the raw JSON {@code value}, whose statistics nothing uses and which
   * cost bronze about a tenth of its throughput (BENCHMARKS.md).
   */
  static final String STATS_COLUMNS = "key,topic,partition,offset,kafka_timestamp,ingest_time";

  /** The streaming query's name, and its checkpoint's folder under the lakehouse. */
  public static final String QUERY = "bronze_market_data_raw";

  private final BronzeConfig config;

  public BronzeJob(BronzeConfig config) {
    this.config = config;
  }

  /**
   * Kafka source rows → bronze rows: the raw value and key as UTF-8 text, the Kafka coordinates,
   * headers as text, and when the row reached the lakehouse.
   */
  public static Dataset<Row> toBronze(Dataset<Row> kafkaRows) {
    return kafkaRows
        .select(
            col("key").cast("string").as("key"),
            col("value").cast("string").as("value"),
            col("topic"),
            col("partition"),
            col("offset"),
            col("timestamp").as("kafka_timestamp"),
            expr("transform(coalesce(headers, array()),"
                    + " h -> named_struct('key', h.key, 'value', cast(h.value as string)))")
                .as("headers"),
            current_timestamp().as("ingest_time"))
        .withColumn("ingest_date", to_date(col("ingest_time")));
  }

  /** Runs the query: until the topic is drained (available-now) or forever (interval trigger). */
  public BronzeResult run(LayerContext ctx) throws Exception {
    return SparkLeases.hold(ctx, LeasedJob.BRONZE, () -> runHoldingLease(ctx));
  }

  private BronzeResult runHoldingLease(LayerContext ctx)
      throws TimeoutException, StreamingQueryException {
    long started = System.nanoTime();
    StreamingQuery query = start(ctx);
    query.awaitTermination();
    long rows = 0;
    int batches = 0;
    for (StreamingQueryProgress progress : query.recentProgress()) {
      if (progress.numInputRows() > 0) batches++;
      rows += progress.numInputRows();
    }
    return new BronzeResult(rows, batches,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Starts the streaming query without waiting for it; callers own its lifecycle. */
  public StreamingQuery start(LayerContext ctx) throws TimeoutException {
    SparkSession spark = ctx.spark();
    String table = ctx.tables().bronzeCandlesRaw();
    DataStreamReader reader =
        spark.readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", config.bootstrapServers())
            .option("subscribe", config.topic())
            .option("startingOffsets", config.startingOffsets())
            .option("failOnDataLoss", config.failOnDataLoss())
            .option("includeHeaders", "true");
    if (config.maxOffsetsPerTrigger() != null) {
      reader = reader.option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger());
    }
    reader = reader.options(config.kafkaOptions());

    Dataset<Row> rows = toBronze(reader.load());
    createIfMissing(spark, table, rows.schema());
    DataStreamWriter<Row> writer =
        rows
            .writeStream()
            .format("delta")
            .queryName(QUERY)
            .outputMode("append")
            .partitionBy("ingest_date")
            .option("checkpointLocation", ctx.tables().checkpoint(QUERY))
            .trigger(config.trigger() == null
                ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(config.trigger().toMillis()));
    return writer.start(table);
  }

  /**
   * Creates the bronze table with its statistics columns before the first batch, since a table
   * property must be set before the files it governs are written. An existing table is left as it
   * is (docs/bronze-silver.md says how to set the property on a table made before it).
   */
  static void createIfMissing(SparkSession spark, String table, StructType schema) {
    StructType nullable = new StructType();
    for (StructField field : schema.fields()) {
      // As the stream's own first write would make them: every column nullable.
      nullable = nullable.add(field.name(), field.dataType(), true, field.metadata());
    }
    DeltaCreate.ifMissing(spark, table)
        .addColumns(nullable)
        .partitionedBy("ingest_date")
        .property("delta.dataSkippingStatsColumns", STATS_COLUMNS)
        .execute();
  }

  /** What one run did. */
  public record BronzeResult(long rowsWritten, int batches, long millis) {}
}
