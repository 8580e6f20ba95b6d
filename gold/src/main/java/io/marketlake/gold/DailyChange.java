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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * What a market dashboard shows first: last price and the rolling 24 hours, per symbol. Pure; the
 * gold job recomputes only the symbols whose candles changed, from their recent candles alone.
 */
final class DailyChange {
  private DailyChange() {}

  /**
   * 1m candles → one row per symbol as of its latest candle: {@code last_price}, {@code
   * open_24h} (the open of the first candle of the 24 hours ending with that candle), {@code
   * change_24h}, {@code change_24h_pct}, {@code high_24h}, {@code low_24h}, {@code volume_24h},
   * {@code quote_volume_24h}, {@code trades_24h}, {@code candles_24h}.
   */
  static Dataset<Row> compute(Dataset<Row> candles) {
    // (as_of - 24h, as_of]: 1440 one-minute candles when none is missing.
    return candles
        .withColumn("as_of", max(col("open_time")).over(Window.partitionBy("symbol")))
        .filter(expr("open_time > as_of - INTERVAL 24 HOURS"))
        .groupBy("symbol", "as_of")
        .agg(
            max_by(col("close"), col("open_time")).as("last_price"),
            min_by(col("open"), col("open_time")).as("open_24h"),
            max(col("high")).as("high_24h"),
            min(col("low")).as("low_24h"),
            sum(col("volume")).cast(GoldSchema.VOLUME).as("volume_24h"),
            sum(col("quote_volume")).cast(GoldSchema.VOLUME).as("quote_volume_24h"),
            sum(col("trades")).as("trades_24h"),
            count(lit(1)).as("candles_24h"))
        .withColumn("change_24h", col("last_price").minus(col("open_24h")))
        .withColumn("change_24h_pct", expr(
            "cast(try_divide(last_price - open_24h, open_24h) * 100 AS DECIMAL(18, 4))"))
        .withColumn("updated_at", current_timestamp())
        .select("symbol", "as_of", "last_price", "open_24h", "change_24h", "change_24h_pct",
            "high_24h", "low_24h", "volume_24h", "quote_volume_24h", "trades_24h",
            "candles_24h", "updated_at");
  }
}
