package io.marketlake.silver;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import io.marketlake.common.spark.BronzeSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Builds bronze rows (the bronze table's schema) from literal messages. */
final class BronzeFixture {
  static final StructType BRONZE = BronzeSchema.TABLE;

  /** 2026-02-01T00:00:00Z */
  static final long T0 = 1769904000000L;

  private final List<Row> rows = new ArrayList<>();
  private long nextOffset;

  /** A valid 1m candle at minute {@code minute} after T0 with the given close. */
  static MarketMessage candle(String symbol, int minute, String close) {
    BigDecimal c = new BigDecimal(close);
    BigDecimal open = new BigDecimal("10.000");
    return MarketMessage.candle("binance", symbol, "1m", T0 + minute * 60_000L,
        T0 + minute * 60_000L + 59_999, open, open.max(c).add(new BigDecimal("0.010")),
        open.min(c).subtract(new BigDecimal("0.010")), c, new BigDecimal("123.45"),
        new BigDecimal("1234.5"), 42L, new BigDecimal("60"), new BigDecimal("600"), T0);
  }

  /** Continues the partition's offsets, as a later batch of the same topic would. */
  BronzeFixture offsetsFrom(long offset) {
    nextOffset = offset;
    return this;
  }

  BronzeFixture add(MarketMessage message, Timestamp ingestTime) {
    return addRaw(message.symbol(), new String(MessageCodec.encode(message),
        StandardCharsets.UTF_8), ingestTime);
  }

  BronzeFixture addRaw(String key, String value, Timestamp ingestTime) {
    rows.add(RowFactory.create(key, value, "md", 0, nextOffset++, ingestTime, List.of(),
        ingestTime, new Date(ingestTime.getTime())));
    return this;
  }

  Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, BRONZE);
  }

  static Timestamp at(String instant) {
    return Timestamp.from(java.time.Instant.parse(instant));
  }
}
