package io.marketlake.it;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import io.marketlake.common.spark.BronzeSchema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * A bronze table written directly, without Kafka: a seeded random walk of 1m candles per symbol
 * from 2026-02-01T00:00Z, plus one candle with a negative close that silver must quarantine
 * (rule {@code positive_prices}).
 */
final class LiteralBronze {
  /** 2026-02-01T00:00:00Z */
  static final long T0 = 1769904000000L;

  private static final BigDecimal HALF = new BigDecimal("0.5");

  private LiteralBronze() {}

  /** Writes {@code symbols × minutes} candles and the bad one to {@code table}; returns rows. */
  static long write(SparkSession spark, String table, List<String> symbols, int minutes) {
    List<Row> rows = new ArrayList<>();
    // Arrived now, as bronze rows do: a retention DELETE by ingest_date leaves them alone.
    Timestamp ingest = Timestamp.from(Instant.now());
    Random random = new Random(11);
    long offset = 0;
    for (String symbol : symbols) {
      BigDecimal close = new BigDecimal("100.00");
      for (int minute = 0; minute < minutes; minute++) {
        BigDecimal open = close;
        close = close.multiply(BigDecimal.valueOf(1 + random.nextGaussian() * 0.001))
            .setScale(4, RoundingMode.HALF_UP);
        // Varying volume: a constant one has no z-score, and the features would be incomplete.
        BigDecimal volume = BigDecimal.valueOf(10 + random.nextInt(1000) / 100.0);
        rows.add(row(candle(symbol, minute, open, close, volume), offset++, ingest));
      }
    }
    rows.add(row(candle(symbols.get(0), minutes + 5, BigDecimal.ONE, new BigDecimal("-1"),
        BigDecimal.TEN), offset, ingest));
    spark.createDataFrame(rows, BronzeSchema.TABLE).write().format("delta").partitionBy("ingest_date")
        .save(table);
    return rows.size();
  }

  private static MarketMessage candle(String symbol, int minute, BigDecimal open,
      BigDecimal close, BigDecimal volume) {
    BigDecimal high = open.max(close).add(new BigDecimal("0.01"));
    BigDecimal low = open.min(close).subtract(new BigDecimal("0.01"));
    long openTime = T0 + minute * 60_000L;
    // Volumes from the open, so that the bad candle fails positive_prices and nothing else.
    return MarketMessage.candle("binance", symbol, "1m", openTime, openTime + 59_999, open, high,
        low, close, volume, open.multiply(volume), 40L, volume.multiply(HALF),
        open.multiply(volume).multiply(HALF), openTime + 60_000);
  }

  private static Row row(MarketMessage message, long offset, Timestamp ingest) {
    return RowFactory.create(message.symbol(),
        new String(MessageCodec.encode(message), StandardCharsets.UTF_8),
        "marketlake.market-data", 0, offset, ingest, List.of(), ingest,
        new Date(ingest.getTime()));
  }
}
