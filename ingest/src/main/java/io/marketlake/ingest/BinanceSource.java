package io.marketlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * Binance's public REST API (and the simulated exchange that speaks it): {@code GET
 * /api/v3/klines} with {@code interval=1m}, {@code GET /api/v3/time}. A kline is the array {@code
 * [openTime, "open", "high", "low", "close", "volume", closeTime, "quoteAssetVolume", trades,
 * "takerBuyBaseVolume", "takerBuyQuoteVolume", "0"]}; decimals are taken from the strings exactly.
 */
final class BinanceSource extends RestSource implements MarketSource {
  static final String NAME = "binance";
  static final String INTERVAL = "1m";
  static final long MINUTE_MS = 60_000;
  static final int MAX_LIMIT = 1000;
  /** Request weights from Binance's API documentation. */
  static final int KLINES_WEIGHT = 2;
  static final int TIME_WEIGHT = 1;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();


  BinanceSource(HttpUrl baseUrl, ExchangeHttp http, IngestStats stats, Clock clock) {
    super(NAME, baseUrl, http, stats, clock);
  }

  @Override
  public int maxCandlesPerRequest() {
    return MAX_LIMIT;
  }

  @Override
  public Answer candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException {
    if (endExclusive <= startInclusive) return new Answer(List.of(), TIME_NOT_REPORTED);
    long minutes = (endExclusive - startInclusive + MINUTE_MS - 1) / MINUTE_MS;
    int limit = (int) Math.min(MAX_LIMIT, minutes);
    HttpUrl url = baseUrl.newBuilder()
        .addPathSegments("api/v3/klines")
        .addQueryParameter("symbol", symbol)
        .addQueryParameter("interval", INTERVAL)
        .addQueryParameter("startTime", Long.toString(startInclusive))
        .addQueryParameter("endTime", Long.toString(endExclusive - 1)) // Binance's is inclusive
        .addQueryParameter("limit", Integer.toString(limit))
        .build();
    // A klines answer carries no server time: callers ask only up to the exchange's last closed
    // minute by /api/v3/time, and a forming candle in range still fails FinalCandles' check.
    return new Answer(http.get(url, KLINES_WEIGHT, symbol,
        body -> parseKlines(symbol, body, startInclusive, endExclusive, clock.millis())),
        TIME_NOT_REPORTED);
  }

  @Override
  public long serverTimeMillis() throws IOException, InterruptedException {
    HttpUrl url = baseUrl.newBuilder().addPathSegments("api/v3/time").build();
    return http.get(url, TIME_WEIGHT, "server time", body -> {
      JsonNode time = readTree(body, "server time").get("serverTime");
      if (time == null || !time.canConvertToLong()) {
        throw new MalformedPayloadException("server time", Excerpts.of(body));
      }
      return time.asLong();
    });
  }

  /**
   * Parses a klines array into candle messages, keeping only open times in {@code [start, end)},
   * oldest first, one per open time (an answer that repeats a candle yields it once: the last
   * copy, as the exchange's latest word). Any malformed row rejects the whole page: publishing
   * the rest would leave a silent gap.
   */
  static List<MarketMessage> parseKlines(
      String symbol, String body, long start, long end, long fetchedAt)
      throws MalformedPayloadException {
    JsonNode root = readTree(body, symbol);
    if (!root.isArray()) throw new MalformedPayloadException(symbol, Excerpts.of(body));
    java.util.TreeMap<Long, MarketMessage> out = new java.util.TreeMap<>();
    for (JsonNode row : root) {
      if (!row.isArray() || row.size() < 11) {
        throw new MalformedPayloadException(symbol, "kline row " + Excerpts.of(row.toString()));
      }
      try {
        long openTime = longField(row, 0);
        if (openTime < start || openTime >= end) continue;
        out.put(openTime, MarketMessage.candle(NAME, symbol, INTERVAL, openTime, longField(row, 6),
            decimal(row, 1), decimal(row, 2), decimal(row, 3), decimal(row, 4), decimal(row, 5),
            decimal(row, 7), longField(row, 8), decimal(row, 9), decimal(row, 10), fetchedAt));
      } catch (NumberFormatException e) {
        throw new MalformedPayloadException(symbol, "kline row " + Excerpts.of(row.toString()));
      }
    }
    return new ArrayList<>(out.values());
  }

  private static JsonNode readTree(String body, String what) throws MalformedPayloadException {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedPayloadException(what, "empty body");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException(what, Excerpts.of(body));
    }
  }

  private static long longField(JsonNode row, int index) {
    JsonNode node = row.get(index);
    if (node.isIntegralNumber()) return node.asLong();
    if (node.isTextual()) return Long.parseLong(node.asText());
    throw new NumberFormatException("not an integer: " + node);
  }

  private static BigDecimal decimal(JsonNode row, int index) {
    JsonNode node = row.get(index);
    if (node.isTextual()) return new BigDecimal(node.asText());
    if (node.isNumber()) return node.decimalValue();
    throw new NumberFormatException("not a decimal: " + node);
  }
}
