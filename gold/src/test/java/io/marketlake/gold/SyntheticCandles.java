package io.marketlake.gold;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/** Silver-shaped 1m candles: hand-made, or seeded price paths with known structure. */
final class SyntheticCandles {
  static final DecimalType AMOUNT = DataTypes.createDecimalType(24, 8);
  static final StructType SILVER = new StructType()
      .add("symbol", DataTypes.StringType)
      .add("interval", DataTypes.StringType)
      .add("open_time", DataTypes.TimestampType)
      .add("open", AMOUNT)
      .add("high", AMOUNT)
      .add("low", AMOUNT)
      .add("close", AMOUNT)
      .add("volume", AMOUNT)
      .add("quote_volume", AMOUNT)
      .add("trades", DataTypes.LongType);

  /** 2026-02-01T00:00:00Z */
  static final long T0 = 1769904000000L;

  private final List<Row> rows = new ArrayList<>();

  SyntheticCandles add(String symbol, int minute, String open, String high, String low,
      String close, String volume, long trades) {
    BigDecimal v = new BigDecimal(volume);
    rows.add(RowFactory.create(symbol, "1m", new Timestamp(T0 + minute * 60_000L),
        new BigDecimal(open), new BigDecimal(high), new BigDecimal(low), new BigDecimal(close), v,
        v.multiply(new BigDecimal(close)), trades));
    return this;
  }

  /**
   * A seeded log-price path: per-minute returns are {@code drift + noise}, where drift follows
   * an AR(1) process with coefficient {@code persistence} and stationary deviation {@code
   * driftSd}. With driftSd = 0 this is a pure random walk: the future is unpredictable.
   */
  SyntheticCandles path(String symbol, int minutes, long seed, double noiseSd, double driftSd,
      double persistence) {
    Random random = new Random(seed);
    double logPrice = Math.log(100);
    double drift = 0;
    double innovation = driftSd * Math.sqrt(1 - persistence * persistence);
    for (int m = 0; m < minutes; m++) {
      drift = persistence * drift + innovation * random.nextGaussian();
      double open = Math.exp(logPrice);
      logPrice += drift + noiseSd * random.nextGaussian();
      double close = Math.exp(logPrice);
      double high = Math.max(open, close) * (1 + Math.abs(random.nextGaussian()) * noiseSd / 2);
      double low = Math.min(open, close) * (1 - Math.abs(random.nextGaussian()) * noiseSd / 2);
      double volume = 1000 * Math.exp(0.3 * random.nextGaussian());
      add(symbol, m, fmt(open), fmt(high), fmt(low), fmt(close), fmt(volume),
          50 + random.nextInt(50));
    }
    return this;
  }

  Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, SILVER);
  }

  private static String fmt(double value) {
    return BigDecimal.valueOf(value).setScale(8, RoundingMode.HALF_UP).toPlainString();
  }
}
