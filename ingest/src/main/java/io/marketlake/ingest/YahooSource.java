package io.marketlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * Yahoo Finance's chart API: {@code GET /v8/finance/chart/{symbol}?interval=1m&period1=S&period2=E}
 * (seconds). The answer holds parallel arrays, {@code chart.result[0].timestamp[]} and {@code
 * indicators.quote[0].open/high/low/close/volume[]}, any of which may hold {@code null} for a
 * minute without trades: such minutes are skipped and counted. Yahoo serves at most 7 days of 1m
 * data per request and keeps about 30 days. Prices arrive as binary floats and are converted with
 * {@link BigDecimal#valueOf(double)} (the shortest decimal that is that double). Errors come as
 * {@code chart.error = {code, description}} and fail the request without retries.
 *
 * <p>Yahoo has no time endpoint; each answer's {@code meta.regularMarketTime} (the time of the
 * newest price it holds, delayed for delayed exchanges) is its clock: the live bar, and the newest
 * bar of a delayed feed, end after it and are not final ({@link FinalCandles}). A range reaching
 * back further than Yahoo keeps 1m data (it answers HTTP 422) is cut at the oldest minute it
 * serves, with one warning naming the minutes skipped.
 */
final class YahooSource extends RestSource implements MarketSource {
  static final String NAME = "yahoo";
  static final String DEFAULT_BASE_URL = "https://query1.finance.yahoo.com";
  static final long MINUTE_MS = 60_000;
  /** 7 days of minutes: Yahoo's limit for one 1m request. */
  static final int MAX_MINUTES = 7 * 1440;
  /** How far back Yahoo keeps 1m data. */
  static final Duration HISTORY = Duration.ofDays(30);
  /** How far inside {@link #HISTORY} a request stays: Yahoo's clock and ours differ a little. */
  static final Duration HISTORY_MARGIN = Duration.ofHours(1);
  static final int REQUEST_WEIGHT = 1;
  /** Yahoo refuses some default client user agents with 429. */
  static final Map<String, String> HEADERS = Map.of("User-Agent", "Mozilla/5.0 (marketlake)");

  private static final ObjectMapper JSON = new ObjectMapper();


  private final ActivityLog log;
  /** Per symbol, the end of the too-old minutes already reported as skipped. */
  private final Map<String, Long> skipReportedUpTo = new ConcurrentHashMap<>();

  YahooSource(HttpUrl baseUrl, ExchangeHttp http, IngestStats stats, Clock clock,
      ActivityLog log) {
    super(NAME, baseUrl, http, stats, clock);
    this.log = log;
  }

  @Override
  public int maxCandlesPerRequest() {
    return MAX_MINUTES;
  }

  @Override
  public Answer candles(String symbol, long startInclusive, long endExclusive)
      throws IOException, InterruptedException {
    long oldest = oldestServable(clock.millis());
    if (startInclusive < oldest) {
      // Yahoo refuses (HTTP 422) any 1m range reaching back past its 30 days, however often it is
      // asked: skip to what it serves. The skipped minutes stay missing; never invent them.
      if (startInclusive > skipReportedUpTo.getOrDefault(symbol, Long.MIN_VALUE)) {
        log.warn(IngestErrors.yahooSkipped(symbol, Instant.ofEpochMilli(startInclusive),
            Instant.ofEpochMilli(oldest)));
      }
      skipReportedUpTo.put(symbol, oldest);
      startInclusive = Math.min(oldest, endExclusive);
    }
    if (endExclusive <= startInclusive) {
      return new Answer(List.of(), TIME_NOT_REPORTED).servedFrom(startInclusive);
    }
    long end = Math.min(endExclusive, startInclusive + MAX_MINUTES * MINUTE_MS);
    HttpUrl url = baseUrl.newBuilder()
        .addPathSegments("v8/finance/chart")
        .addPathSegment(symbol)
        .addQueryParameter("interval", "1m")
        .addQueryParameter("period1", Long.toString(Math.floorDiv(startInclusive, 1000)))
        .addQueryParameter("period2", Long.toString(Math.floorDiv(end + 999, 1000)))
        .build();
    long start = startInclusive;
    try {
      Answer answer = http.get(url, HEADERS, REQUEST_WEIGHT, symbol,
          body -> parse(symbol, body, start, end, clock.millis(), stats));
      return answer.servedFrom(start);
    } catch (HttpStatusException e) {
      String reported = chartError(e.body());
      if (reported == null) throw e;
      throw new ExchangeRejectedException(IngestErrors.yahooRejected(symbol, reported)
          + " (HTTP " + e.status() + ")");
    }
  }

  /** The oldest minute Yahoo serves 1m data for at {@code now}, with a margin. */
  static long oldestServable(long now) {
    return CandleTransfer.ceilMinute(now - HISTORY.toMillis() + HISTORY_MARGIN.toMillis());
  }

  /**
   * The candles of a chart answer with open time in {@code [start, end)}, oldest first, one per
   * minute, and Yahoo's time ({@code meta.regularMarketTime}). A minute with any null price or
   * volume is skipped and counted in {@code stats.skipped}; a timestamp that is not on a minute
   * (Yahoo's live, still-open bar) is floored.
   */
  static Answer parse(String symbol, String body, long start, long end,
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
    if (result.isEmpty()) return new Answer(List.of(), TIME_NOT_REPORTED);
    JsonNode first = result.get(0);
    JsonNode times = first.path("timestamp");
    if (times.isMissingNode() || times.isNull()) { // no trades in the range
      return new Answer(List.of(), TIME_NOT_REPORTED);
    }
    JsonNode marketTime = first.path("meta").path("regularMarketTime");
    if (!marketTime.canConvertToLong()) {
      // Without Yahoo's own time no bar can be told final: fetched again, then failed loudly.
      throw new MalformedPayloadException(symbol, "chart without meta.regularMarketTime: "
          + Excerpts.of(body));
    }
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
    return new Answer(out, marketTime.asLong() * 1000);
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
