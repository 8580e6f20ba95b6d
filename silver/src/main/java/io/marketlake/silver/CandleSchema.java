package io.marketlake.silver;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/** The explicit schemas of silver: the message as parsed from JSON, and the typed candle. */
final class CandleSchema {
  /** Prices and volumes: 16 integer digits, 8 decimals (Binance's finest tick is 1e-8). */
  static final DecimalType AMOUNT = DataTypes.createDecimalType(24, 8);

  static final List<String> AMOUNT_FIELDS = List.of("open", "high", "low", "close", "volume",
      "quote_volume", "taker_buy_volume", "taker_buy_quote_volume", "price", "change_24h_pct");

  /**
   * Schema version 1 of the message (see {@code MarketMessage}). Amounts are read as their JSON
   * text and cast afterwards, so an exact decimal is never routed through a double and a bad value
   * fails a rule instead of the parse.
   */
  static final StructType MESSAGE_V1 = messageSchema();

  /** Names of every field the schema knows; anything else in a message is rescued data. */
  static final List<String> KNOWN_FIELDS = Arrays.asList(MESSAGE_V1.fieldNames());

  private CandleSchema() {}

  private static StructType messageSchema() {
    StructType schema = new StructType()
        .add("schema_version", IntegerType)
        .add("kind", StringType)
        .add("source", StringType)
        .add("symbol", StringType)
        .add("interval", StringType)
        .add("open_time", LongType)
        .add("close_time", LongType)
        .add("trades", LongType)
        .add("fetched_at", LongType);
    for (String field : AMOUNT_FIELDS) schema = schema.add(field, StringType);
    return schema;
  }
}
