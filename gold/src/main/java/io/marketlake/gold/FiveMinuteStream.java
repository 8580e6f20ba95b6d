package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.window;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.UsageException;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A live 5m rollup, {@code gold/candles_5m_live}: a Structured Streaming query over silver's
 * change feed with event-time windows and a watermark, so a window appears as soon as the
 * watermark passes its end instead of at the next batch run.
 *
 * <p>It reads inserts only: silver inserts each candle exactly once (later versions are
 * updates), so no candle is counted twice. Corrections and candles later than the watermark are
 * not in the live table; late rows are counted ({@link Result#lateRowsDropped}, from Spark's own
 * {@code numRowsDroppedByWatermark}), and the incremental batch job ({@link GoldJob}) repairs
 * {@code gold/candles_5m}, which stays the table of record.
 */
public final class FiveMinuteStream {
  static final String CHECKPOINT = "gold_candles_5m_live";

  private FiveMinuteStream() {}

  /** What the query did while it ran. */
  public record Result(long rowsRead, long windowsWritten, long lateRowsDropped) {}

  /** Inserted 1m candles → finished 5m windows (append mode: each window once). Pure. */
  static Dataset<Row> windows(Dataset<Row> insertedCandles, Duration watermark) {
    return insertedCandles
        .withWatermark("open_time", watermark.toSeconds() + " seconds")
        .groupBy(window(col("open_time"), "5 minutes"), col("symbol"))
        .agg(
            min_by(col("open"), col("open_time")).as("open"),
            max(col("high")).as("high"),
            min(col("low")).as("low"),
            max_by(col("close"), col("open_time")).as("close"),
            sum(col("volume")).cast(GoldSchema.VOLUME).as("volume"),
            sum(col("quote_volume")).cast(GoldSchema.VOLUME).as("quote_volume"),
            sum(col("trades")).as("trades"),
            count(lit(1)).as("candle_count"))
        .select(col("symbol"), col("window.start").as("window_start"),
            col("window.end").as("window_end"), col("open"), col("high"), col("low"),
            col("close"), col("volume"), col("quote_volume"), col("trades"),
            col("candle_count"), col("candle_count").equalTo(5).as("complete"),
            current_timestamp().as("written_at"));
  }

  /** Starts the query; {@code trigger} null means available-now (process, then stop). */
  public static StreamingQuery start(SparkSession spark, Lakehouse lakehouse,
      Duration watermark, Duration trigger) throws Exception {
    String silver = lakehouse.silverCandles1m();
    if (!DeltaTable.isDeltaTable(spark, silver)) {
      throw new UsageException("No silver table at " + silver + ": run silver first");
    }
    Dataset<Row> inserted = spark.readStream().format("delta")
        .option("readChangeFeed", "true")
        .load(silver)
        .filter(col("_change_type").equalTo("insert"));
    return windows(inserted, watermark)
        .writeStream()
        .format("delta")
        .queryName("gold_candles_5m_live")
        .outputMode("append")
        .option("checkpointLocation", lakehouse.checkpoint(CHECKPOINT))
        .trigger(trigger == null ? Trigger.AvailableNow()
            : Trigger.ProcessingTime(trigger.toMillis()))
        .start(lakehouse.root() + "/gold/candles_5m_live");
  }

  /** Sums what the query's progress reports say: rows read, windows written, late rows. */
  public static Result summarize(StreamingQuery query) {
    long read = 0;
    long written = 0;
    long late = 0;
    for (StreamingQueryProgress p : query.recentProgress()) {
      read += p.numInputRows();
      written += p.sink().numOutputRows() > 0 ? p.sink().numOutputRows() : 0;
      for (StateOperatorProgress op : p.stateOperators()) late += op.numRowsDroppedByWatermark();
    }
    return new Result(read, written, late);
  }
}
