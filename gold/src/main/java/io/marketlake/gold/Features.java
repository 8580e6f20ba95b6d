package io.marketlake.gold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Model features of 1m candles, computed from the past only, and the label, computed from the
 * future only. Every look-back and look-ahead is measured in minutes of event time, not in rows:
 * across a gap in the data a feature sees less history and a label is missing, but none ever
 * reaches further than its stated span. Pure transforms.
 */
public final class Features {
  /** Return lags, in minutes. */
  static final int[] RETURN_LAGS = {1, 5, 15, 60};
  /** Spans of the simple and exponential moving averages, in minutes. */
  static final int[] SMA_SPANS = {15, 60};
  static final int[] EMA_SPANS = {12, 26};
  /** An EMA is truncated to this many spans of history (older weight is below 0.1%). */
  static final int EMA_DEPTH_PER_SPAN = 4;
  static final int RSI_SPAN = 14;
  static final int VOLATILITY_SPAN = 30;
  static final int VOLUME_SPAN = 60;
  /**
   * The longest look-back of any feature, in minutes (the 26-minute EMA's 104): rows with less
   * history get no features, and the walk-forward embargo is this plus the horizon.
   */
  public static final int MAX_LAG = java.util.stream.IntStream.of(
          RETURN_LAGS[RETURN_LAGS.length - 1], SMA_SPANS[SMA_SPANS.length - 1],
          EMA_DEPTH_PER_SPAN * EMA_SPANS[EMA_SPANS.length - 1], RSI_SPAN, VOLATILITY_SPAN,
          VOLUME_SPAN)
      .max().getAsInt();

  /** Feature columns the model reads, in order. */
  public static final List<String> COLUMNS = List.of(
      "ret_1", "ret_5", "ret_15", "ret_60", "sma_ratio_15", "sma_ratio_60", "ema_ratio_12",
      "ema_ratio_26", "rsi_14", "volatility_30", "volume_z_60", "minute_of_day_sin",
      "minute_of_day_cos");

  private Features() {}

  /**
   * 1m candles → one row per (symbol, open_time) with {@link #COLUMNS}, {@code close}, {@code
   * ret_h} (the return over the past {@code horizon} minutes, for the last-move baseline), {@code
   * future_return} and {@code label_up}: 1.0 when the close {@code horizon} minutes ahead is above
   * the current close, 0.0 when below, and null when equal (a flat move has no direction and is
   * left out of training and evaluation), not yet known, or missing (a gap in the data). Rows less
   * than {@link #MAX_LAG} minutes after the symbol's first candle are left out.
   */
  static Dataset<Row> compute(Dataset<Row> candles, int horizon) {
    // Frames over the minute number: rangeBetween(-n, 0) is "the last n minutes", whatever rows
    // exist in them.
    WindowSpec byMinute = Window.partitionBy("symbol").orderBy("minute");
    Column close = col("close").cast("double");
    Dataset<Row> base = candles
        .select(col("symbol"), col("open_time"), close.as("close"),
            col("volume").cast("double").as("volume"))
        .withColumn("minute", expr("CAST(unix_seconds(open_time) DIV 60 AS BIGINT)"))
        .withColumn("history", col("minute").minus(
            org.apache.spark.sql.functions.min("minute").over(Window.partitionBy("symbol"))));
    for (int lag : RETURN_LAGS) {
      base = base.withColumn("ret_" + lag, returnOver(byMinute, lag));
    }
    base = base.withColumn("ret_h", returnOver(byMinute, horizon));
    for (int span : SMA_SPANS) base = base.withColumn("sma_ratio_" + span, ratioToMean(byMinute, span));
    for (int span : EMA_SPANS) base = base.withColumn("ema_ratio_" + span, ratioToEma(byMinute, span));
    base = base
        .withColumn("gain", greatest(col("ret_1"), lit(0.0)))
        .withColumn("loss", least(col("ret_1"), lit(0.0)).multiply(-1))
        .withColumn("rsi_" + RSI_SPAN, rsi(byMinute, RSI_SPAN))
        .withColumn("volatility_" + VOLATILITY_SPAN,
            stddev_samp(col("ret_1")).over(last(byMinute, VOLATILITY_SPAN)))
        .withColumn("volume_z_" + VOLUME_SPAN, try_divide(
            col("volume").minus(avg(col("volume")).over(last(byMinute, VOLUME_SPAN))),
            stddev_samp(col("volume")).over(last(byMinute, VOLUME_SPAN))))
        .withColumn("minute_of_day", expr("hour(open_time) * 60 + minute(open_time)"))
        .withColumn("minute_of_day_sin", expr("sin(2 * pi() * minute_of_day / 1440)"))
        .withColumn("minute_of_day_cos", expr("cos(2 * pi() * minute_of_day / 1440)"))
        .withColumn("future_close", closeAt(byMinute, horizon))
        .withColumn("future_return", log(try_divide(col("future_close"), col("close"))))
        .withColumn("label_up",
            when(col("future_close").gt(col("close")), lit(1.0))
                .when(col("future_close").lt(col("close")), lit(0.0)));

    Column enoughHistory = col("history").geq(MAX_LAG);
    Column[] output = new Column[COLUMNS.size() + 6];
    output[0] = col("symbol");
    output[1] = col("open_time");
    output[2] = col("close");
    for (int i = 0; i < COLUMNS.size(); i++) output[3 + i] = col(COLUMNS.get(i));
    output[COLUMNS.size() + 3] = col("ret_h");
    output[COLUMNS.size() + 4] = col("future_return");
    output[COLUMNS.size() + 5] = col("label_up");
    return base.filter(enoughHistory).select(output)
        .withColumn("horizon_minutes", lit(horizon));
  }

  /** The frame of the last {@code minutes} minutes, this one included. */
  private static WindowSpec last(WindowSpec byMinute, int minutes) {
    return byMinute.rangeBetween(1 - minutes, 0);
  }

  /** The close exactly {@code offset} minutes away (negative: in the past); null if missing. */
  private static Column closeAt(WindowSpec byMinute, int offset) {
    return org.apache.spark.sql.functions.first(col("close"))
        .over(byMinute.rangeBetween(offset, offset));
  }

  /** Log return over the last {@code minutes} minutes; null when that candle is missing. */
  private static Column returnOver(WindowSpec byMinute, int minutes) {
    return log(try_divide(col("close"), closeAt(byMinute, -minutes)));
  }

  private static Column ratioToMean(WindowSpec byMinute, int minutes) {
    return try_divide(col("close"), avg(col("close")).over(last(byMinute, minutes))).minus(1.0);
  }

  /**
   * Close relative to its exponential moving average with smoothing 2/(span+1), truncated to the
   * last {@link #EMA_DEPTH_PER_SPAN}×span minutes.
   */
  private static Column ratioToEma(WindowSpec byMinute, int span) {
    double alpha = 2.0 / (span + 1);
    Column history = org.apache.spark.sql.functions.collect_list(col("close"))
        .over(last(byMinute, EMA_DEPTH_PER_SPAN * span));
    // aggregate oldest → newest: ema = alpha * price + (1 - alpha) * ema
    Column ema = org.apache.spark.sql.functions.aggregate(history,
        lit(null).cast("double"),
        (acc, price) -> when(acc.isNull(), price)
            .otherwise(price.multiply(alpha).plus(acc.multiply(1 - alpha))));
    return try_divide(col("close"), ema).minus(1.0);
  }

  /** Cutler's RSI: simple means of gains and losses over the window, 0 to 100. */
  private static Column rsi(WindowSpec byMinute, int minutes) {
    WindowSpec window = last(byMinute, minutes);
    Column gains = avg(col("gain")).over(window);
    Column losses = avg(col("loss")).over(window);
    return when(losses.equalTo(0).and(gains.equalTo(0)), lit(50.0))
        .when(losses.equalTo(0), lit(100.0))
        .otherwise(lit(100.0).minus(lit(100.0).divide(lit(1.0).plus(gains.divide(losses)))));
  }
}
