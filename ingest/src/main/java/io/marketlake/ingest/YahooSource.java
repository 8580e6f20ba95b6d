package io.marketlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;

/**
 * Yahoo Finance's chart API: {@code GET /v8/finance/chart/{symbol}?interval=1m&period1=S&period2=E}
 * (seconds). The answer holds parallel arrays, {@code chart.result[0].timestamp[]} and {@code
 * indicators.quote[0].open/high/low/close/volume[]}, any of which may hold {@code null} for a
 * minute without trades: such minutes are skipped and counted. Yahoo serves at most 7 days of 1m
 * data per request and keeps about 30 days. Prices arrive as binary floats and are converted with
 * {@link BigDecimal#valueOf(double)} (the shortest decimal that is that double). Errors come as
 * {@code chart.error = {code, description}} and fail the request without retries.
 */
final class YahooSource extends RestSource implements MarketSource {
  static final String NAME = "yahoo";
  static final String DEFAULT_BASE_URL = "https://query1.finance.yahoo.com";
  static final long MINUTE_MS = 60_000;
  /** 7 days of minutes: Yahoo's limit for one 1m request. */
  static final int MAX_MINUTES = 7 * 1440;
  /** How far back Yahoo keeps 1m data. */
  static final Duration HISTORY = Duration.ofDays(30);
  static final int REQUEST_WEIGHT = 1;
  /** Yahoo refuses some default client user agents with 429. */
  static final Map<String, String> HEADERS = Map.of("User-Agent", "Mozilla/5.0 (marketlake)");

  private static final ObjectMapper JSON = new ObjectMapper();


  YahooSource(HttpUrl baseUrl, ExchangeHttp http, IngestStats stats, Clock clock) {
    super(NAME, baseUrl, http, stats, clock);
  }

  @Override
  public int maxCandlesPerRequest() {
    return MAX_MINUTES;
  }

  @Override
  public List<MarketMessage> candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException {
    if (endExclusive <= startInclusive) return List.of();
    long end = Math.min(endExclusive, startInclusive + MAX_MINUTES * MINUTE_MS);
    HttpUrl url = baseUrl.newBuilder()
        .addPathSegments("v8/finance/chart")
        .addPathSegment(symbol)
        .addQueryParameter("interval", "1m")
        .addQueryParameter("period1", Long.toString(Math.floorDiv(startInclusive, 1000)))
        .addQueryParameter("period2", Long.toString(Math.floorDiv(end + 999, 1000)))
        .build();
    try {
      return http.get(url, HEADERS, REQUEST_WEIGHT, symbol,
          body -> parse(symbol, body, startInclusive, end, clock.millis(), stats));
    } catch (HttpStatusException e) {
      String reported = chartError(e.body());
      if (reported == null) throw e;
      throw new ExchangeRejectedException(IngestErrors.yahooRejected(symbol, reported)
          + " (HTTP " + e.status() + ")");
    }
  }

  /**
   * The candles of a chart answer with open time in {@code [start, end)}, oldest first, one per
   * minute. A minute with any null price or volume is skipped and counted in {@code
   * stats.skipped}; a timestamp that is not on a minute (Yahoo's live, still-open bar) is floored.
   */
  static List<MarketMessage> parse(String symbol, String body, long start, long end,
      long fetchedAt, IngestStats stats)
      throws MalformedPayloadException, ExchangeRejectedException {
    JsonNode chart = readTree(symbol, body).path("chart");
    if (!chart.isObject()) throw new MalformedPayloadException(symbol, Excerpts.of(body));
    String reported = describeError(chart.get("error"));
    if (reported != null) {
      throw new ExchangeRejectedException(IngestErrors.yahooRejected(symbol, reported));
    }
    JsonNode result = chart.path("result");
    if (!result.isArray()) throw new MalformedPayloadException(symbol, Excerpts.of(body));
    if (result.isEmpty()) return List.of();
    JsonNode first = result.get(0);
    JsonNode times = first.path("timestamp");
    if (times.isMissingNode() || times.isNull()) return List.of(); // no trades in the range
    JsonNode quote = first.path("indicators").path("quote").path(0);
    List<JsonNode> columns = new ArrayList<>();
    for (String name : List.of("open", "high", "low", "close", "volume")) {
      JsonNode column = quote.path(name);
      if (!times.isArray() || !column.isArray() || column.size() != times.size()) {
        throw new MalformedPayloadException(symbol, "chart without a full '" + name + "' array: "
            + Excerpts.of(body));
      }
      columns.add(column);
    }
    List<MarketMessage> out = new ArrayList<>(times.size());
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < times.size(); i++) {
      JsonNode time = times.get(i);
      if (!time.canConvertToLong()) {
        throw new MalformedPayloadException(symbol, "timestamp " + Excerpts.of(time.toString()));
      }
      long openTime = Math.floorDiv(time.asLong() * 1000, MINUTE_MS) * MINUTE_MS;
      if (openTime < start || openTime >= end || openTime <= previous) continue;
      BigDecimal[] values = new BigDecimal[5];
      boolean complete = true;
      for (int c = 0; c < 5; c++) {
        JsonNode v = columns.get(c).get(i);
        if (v == null || v.isNull()) {
          complete = false;
          break;
        }
        if (!v.isNumber()) {
          throw new MalformedPayloadException(symbol, "quote value " + Excerpts.of(v.toString()));
        }
        values[c] = v.isIntegralNumber() ? BigDecimal.valueOf(v.asLong())
            : BigDecimal.valueOf(v.asDouble());
      }
      if (!complete) {
        stats.skipped.incrementAndGet();
        continue;
      }
      previous = openTime;
      out.add(MarketMessage.candle(NAME, symbol, "1m", openTime, openTime + MINUTE_MS - 1,
          values[0], values[1], values[2], values[3], values[4], null, null, null, null,
          fetchedAt));
    }
    return out;
  }

  /** "code: description" of a Yahoo error body, or null if the body is not one. */
  static String chartError(String body) {
    try {
      return describeError(JSON.readTree(body).path("chart").get("error"));
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  private static String describeError(JsonNode error) {
    if (error == null || error.isNull() || error.isMissingNode()) return null;
    String code = error.path("code").asText("");
    String description = error.path("description").asText("");
    String text = code.isEmpty() ? description
        : description.isEmpty() ? code : code + ": " + description;
    return text.isEmpty() ? Excerpts.of(error.toString()) : text;
  }

  private static JsonNode readTree(String symbol, String body) throws MalformedPayloadException {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedPayloadException(symbol, "empty body");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException(symbol, Excerpts.of(body));
    }
  }
}
