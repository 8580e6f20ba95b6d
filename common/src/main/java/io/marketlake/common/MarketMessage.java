package io.marketlake.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * The one contract between ingest and the lakehouse: the JSON value of every Kafka message on the
 * market-data topic (key = symbol). Schema version {@value #SCHEMA_VERSION}.
 *
 * <p>All times are epoch milliseconds, UTC. For a candle, {@code open_time} is its event time and
 * {@code close_time = open_time + interval - 1 ms}. Prices and volumes are exact decimals written as
 * JSON numbers (never floats). Fields that do not apply to a {@code kind} are omitted.
 *
 * <ul>
 *   <li>{@code kind = "candle"}: one closed OHLCV candle (Binance, Yahoo, the simulated exchange).
 *   <li>{@code kind = "snapshot"}: a price snapshot (CoinGecko): {@code price}, {@code open_time} =
 *       the source's last-updated time, {@code change_24h_pct}.
 *   <li>{@code kind = "no_candles"}: the exchange was asked for the closed minutes {@code
 *       [open_time, close_time + 1 ms)} of {@code interval} and answered that it has no candle for
 *       any of them (a maintenance window, a halted market, a closed session). Published so the
 *       completeness ledger can tell "the exchange had none" from "we never fetched it"; never
 *       sent for minutes that are not closed yet, nor for a failed request.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MarketMessage(
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("kind") String kind,
    @JsonProperty("source") String source,
    @JsonProperty("symbol") String symbol,
    @JsonProperty("interval") String interval,
    @JsonProperty("open_time") long openTime,
    @JsonProperty("close_time") Long closeTime,
    @JsonProperty("open") BigDecimal open,
    @JsonProperty("high") BigDecimal high,
    @JsonProperty("low") BigDecimal low,
    @JsonProperty("close") BigDecimal close,
    @JsonProperty("volume") BigDecimal volume,
    @JsonProperty("quote_volume") BigDecimal quoteVolume,
    @JsonProperty("trades") Long trades,
    @JsonProperty("taker_buy_volume") BigDecimal takerBuyVolume,
    @JsonProperty("taker_buy_quote_volume") BigDecimal takerBuyQuoteVolume,
    @JsonProperty("price") BigDecimal price,
    @JsonProperty("change_24h_pct") BigDecimal change24hPct,
    @JsonProperty("fetched_at") long fetchedAt) {

  public static final int SCHEMA_VERSION = 1;
  public static final String KIND_CANDLE = "candle";
  public static final String KIND_SNAPSHOT = "snapshot";
  public static final String KIND_NO_CANDLES = "no_candles";
  /** Kafka header names carried by every message. */
  public static final String HEADER_SOURCE = "source";
  public static final String HEADER_SCHEMA_VERSION = "schema_version";

  public MarketMessage {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(symbol, "symbol");
  }

  /** A closed 1-minute (or other interval) candle. */
  public static MarketMessage candle(
      String source, String symbol, String interval, long openTime, long closeTime,
      BigDecimal open, BigDecimal high, BigDecimal low, BigDecimal close, BigDecimal volume,
      BigDecimal quoteVolume, Long trades, BigDecimal takerBuyVolume,
      BigDecimal takerBuyQuoteVolume, long fetchedAt) {
    return new MarketMessage(SCHEMA_VERSION, KIND_CANDLE, source, symbol, interval, openTime,
        closeTime, open, high, low, close, volume, quoteVolume, trades, takerBuyVolume,
        takerBuyQuoteVolume, null, null, fetchedAt);
  }

  /**
   * The exchange's answer that it has no {@code interval} candle with an open time in {@code
   * [startInclusive, endExclusive)}; both bounds are interval boundaries and the range is closed.
   */
  public static MarketMessage noCandles(
      String source, String symbol, String interval, long startInclusive, long endExclusive,
      long fetchedAt) {
    if (endExclusive <= startInclusive) {
      throw new IllegalArgumentException("empty no_candles range [" + startInclusive + ", "
          + endExclusive + ") for " + symbol);
    }
    return new MarketMessage(SCHEMA_VERSION, KIND_NO_CANDLES, source, symbol, interval,
        startInclusive, endExclusive - 1, null, null, null, null, null, null, null, null, null,
        null, null, fetchedAt);
  }

  /** A price snapshot for sources without candles. */
  public static MarketMessage snapshot(
      String source, String symbol, long asOf, BigDecimal price, BigDecimal change24hPct,
      long fetchedAt) {
    return new MarketMessage(SCHEMA_VERSION, KIND_SNAPSHOT, source, symbol, null, asOf, null,
        null, null, null, null, null, null, null, null, null, price, change24hPct, fetchedAt);
  }
}
