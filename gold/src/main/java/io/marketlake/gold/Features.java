package io.marketlake.gold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.row_number;
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
 * future only. Lags count candles, which are minutes when there are no gaps. Pure transforms.
 */
public final class Features {
  /** Return lags, in minutes. */
  static final int[] RETURN_LAGS = {1, 5, 15, 60};
  /** The longest look-back of any feature, in minutes: rows with less history get no features. */
  public static final int MAX_LAG = 60;

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
   * left out of training and evaluation) or not yet known.
   */
  static Dataset<Row> compute(Dataset<Row> candles, int horizon) {
    WindowSpec byTime = Window.partitionBy("symbol").orderBy("open_time");
    Column close = col("close").cast("double");
    Dataset<Row> base = candles
        .select(col("symbol"), col("open_time"), close.as("close"),
            col("volume").cast("double").as("volume"))
        .withColumn("history", row_number().over(byTime))
        .withColumn("ret_1", log(try_divide(col("close"), lag("close", 1).over(byTime))));
    for (int lag : RETURN_LAGS) {
      if (lag == 1) continue;
      base = base.withColumn("ret_" + lag,
          log(try_divide(col("close"), lag("close", lag).over(byTime))));
    }
    base = base
        .withColumn("ret_h", log(try_divide(col("close"), lag("close", horizon).over(byTime))))
        .withColumn("sma_ratio_15", ratioToMean(byTime, 15))
        .withColumn("sma_ratio_60", ratioToMean(byTime, 60))
        .withColumn("ema_ratio_12", ratioToEma(byTime, 12))
        .withColumn("ema_ratio_26", ratioToEma(byTime, 26))
        .withColumn("gain", greatest(col("ret_1"), lit(0.0)))
        .withColumn("loss", least(col("ret_1"), lit(0.0)).multiply(-1))
        .withColumn("rsi_14", rsi(byTime, 14))
        .withColumn("volatility_30",
            stddev_samp(col("ret_1")).over(byTime.rowsBetween(-29, 0)))
        .withColumn("volume_z_60", try_divide(
            col("volume").minus(avg(col("volume")).over(byTime.rowsBetween(-59, 0))),
            stddev_samp(col("volume")).over(byTime.rowsBetween(-59, 0))))
        .withColumn("minute_of_day", expr("hour(open_time) * 60 + minute(open_time)"))
        .withColumn("minute_of_day_sin", expr("sin(2 * pi() * minute_of_day / 1440)"))
        .withColumn("minute_of_day_cos", expr("cos(2 * pi() * minute_of_day / 1440)"))
        .withColumn("future_close", lead("close", horizon).over(byTime))
        .withColumn("future_return", log(try_divide(col("future_close"), col("close"))))
        .withColumn("label_up",
            when(col("future_close").gt(col("close")), lit(1.0))
                .when(col("future_close").lt(col("close")), lit(0.0)));

    Column enoughHistory = col("history").gt(MAX_LAG);
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

  private static Column ratioToMean(WindowSpec byTime, int rows) {
    return try_divide(col("close"), avg(col("close")).over(byTime.rowsBetween(1 - rows, 0)))
        .minus(1.0);
  }

  /**
   * Close relative to its exponential moving average with smoothing 2/(span+1), truncated to the
   * last 4×span candles (the weight of older candles is below 0.1%).
   */
  private static Column ratioToEma(WindowSpec byTime, int span) {
    double alpha = 2.0 / (span + 1);
    int depth = 4 * span;
    Column history = org.apache.spark.sql.functions.collect_list(col("close"))
        .over(byTime.rowsBetween(1 - depth, 0));
    // aggregate oldest → newest: ema = alpha * price + (1 - alpha) * ema
    Column ema = org.apache.spark.sql.functions.aggregate(history,
        lit(null).cast("double"),
        (acc, price) -> when(acc.isNull(), price)
            .otherwise(price.multiply(alpha).plus(acc.multiply(1 - alpha))));
    return try_divide(col("close"), ema).minus(1.0);
  }

  /** Cutler's RSI: simple means of gains and losses over the window, 0 to 100. */
  private static Column rsi(WindowSpec byTime, int rows) {
    WindowSpec window = byTime.rowsBetween(1 - rows, 0);
    Column gains = avg(col("gain")).over(window);
    Column losses = avg(col("loss")).over(window);
    return when(losses.equalTo(0).and(gains.equalTo(0)), lit(50.0))
        .when(losses.equalTo(0), lit(100.0))
        .otherwise(lit(100.0).minus(lit(100.0).divide(lit(1.0).plus(gains.divide(losses)))));
  }
}
