package io.marketlake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** OHLCV rollups of 1m candles. Pure transforms. */
final class Rollups {
  /**
   * The aggregates of a window's candles: open of the first by time, high max, low min, close of
   * the last, volumes and trades summed (null only when every candle lacks the field), and
   * {@code candle_count}.
   */
  static final List<Column> OHLCV = List.of(
      min_by(col("open"), col("open_time")).as("open"),
      max(col("high")).as("high"),
      min(col("low")).as("low"),
      max_by(col("close"), col("open_time")).as("close"),
      sum(col("volume")).as("volume"),
      sum(col("quote_volume")).as("quote_volume"),
      sum(col("trades")).as("trades"),
      count(lit(1)).as("candle_count"));

  private Rollups() {}

  /**
   * 1m candles → one row per (symbol, window_start): open of the first candle by time, close of
   * the last, high max, low min, volumes and trades summed, {@code candle_count}, and {@code
   * complete} when every minute of the window is present.
   */
  static Dataset<Row> rollup(Dataset<Row> candles, RollupWindow window) {
    return candles
        .withColumn("window_start", expr(window.startOf("open_time")))
        .groupBy("symbol", "window_start")
        .agg(OHLCV.get(0), OHLCV.subList(1, OHLCV.size()).toArray(Column[]::new))
        .select(
            col("symbol"),
            lit(window.label()).as("window"),
            col("window_start"),
            expr("window_start + make_dt_interval(0, 0, 0, " + window.seconds() + ")")
                .as("window_end"),
            col("open"), col("high"), col("low"), col("close"),
            col("volume").cast(GoldSchema.VOLUME).as("volume"),
            col("quote_volume").cast(GoldSchema.VOLUME).as("quote_volume"),
            col("trades"),
            col("candle_count"),
            col("candle_count").equalTo(window.expectedCandles()).as("complete"),
            current_timestamp().as("updated_at"));
  }

  /** Changed 1m rows → the distinct (symbol, window_start) they fall in. Pure. */
  static Dataset<Row> touchedWindows(Dataset<Row> changedCandles, RollupWindow window) {
    return changedCandles
        .select(col("symbol"), expr(window.startOf("open_time")).as("window_start"))
        .distinct();
  }

  /**
   * The 1m candles inside the touched windows: the only input a rollup needs to recompute them.
   * The time-range filter lets Delta skip the days outside it before the join.
   */
  static Dataset<Row> candlesIn(Dataset<Row> silver, Dataset<Row> touched,
      RollupWindow window, java.sql.Timestamp from, java.sql.Timestamp until) {
    return silver
        .filter(col("open_time").geq(lit(from)).and(col("open_time").lt(lit(until))))
        .withColumn("window_start", expr(window.startOf("open_time")))
        .join(touched, new String[] {"symbol", "window_start"}, "left_semi")
        .drop("window_start");
  }
}
