package io.marketlake.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.marketlake.common.MarketMessage;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * CoinGecko's {@code GET /simple/price?ids=...&vs_currencies=...&include_24hr_change=true
 * &include_last_updated_at=true}. It has no 1-minute candles, so every poll yields price snapshots
 * ({@code kind = "snapshot"}, {@code open_time = last_updated_at} in ms, {@code price} in the
 * configured vs-currency, {@code change_24h_pct}). The answer is an object keyed by coin id:
 * {@code {"bitcoin":{"usd":67187.33,"usd_24h_change":3.63,"last_updated_at":1711356300}}}; ids it
 * does not know are simply absent. Prices are taken from the JSON text exactly.
 */
final class CoinGeckoSource extends RestSource implements SnapshotSource {
  static final String NAME = "coingecko";
  static final String DEFAULT_BASE_URL = "https://api.coingecko.com/api/v3";
  static final String DEMO_KEY_HEADER = "x-cg-demo-api-key";
  /** Ids per request: keeps the URL short; the public API accepts a few hundred. */
  static final int MAX_IDS = 100;
  static final int REQUEST_WEIGHT = 1;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  private final String vsCurrency;
  private final Map<String, String> headers;
  private final ActivityLog log;
  private final Set<String> reportedMissing = ConcurrentHashMap.newKeySet();

  /** @param apiKey the demo API key, or null to call without one */
  CoinGeckoSource(HttpUrl baseUrl, String vsCurrency, String apiKey, ExchangeHttp http,
      IngestStats stats, Clock clock, ActivityLog log) {
    super(NAME, baseUrl, http, stats, clock);
    this.vsCurrency = vsCurrency;
    this.headers = apiKey == null || apiKey.isBlank() ? Map.of() : Map.of(DEMO_KEY_HEADER, apiKey);
    this.log = log;
  }

  @Override
  public List<MarketMessage> snapshots(List<String> ids) throws IOException, InterruptedException {
    List<MarketMessage> out = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += MAX_IDS) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS));
      HttpUrl url = baseUrl.newBuilder()
          .addPathSegments("simple/price")
          .addQueryParameter("ids", String.join(",", chunk))
          .addQueryParameter("vs_currencies", vsCurrency)
          .addQueryParameter("include_24hr_change", "true")
          .addQueryParameter("include_last_updated_at", "true")
          .build();
      String what = chunk.size() == 1 ? chunk.get(0) : chunk.size() + " CoinGecko ids";
      out.addAll(http.get(url, headers, REQUEST_WEIGHT, what,
          body -> parse(chunk, vsCurrency, body, clock.millis(), this::missing)));
    }
    return out;
  }

  private void missing(String id, String why) {
    stats.skipped.incrementAndGet();
    if (reportedMissing.add(id)) {
      log.warn("coingecko: no " + vsCurrency + " price for '" + id + "' (" + why + "); check the"
          + " id at https://api.coingecko.com/api/v3/coins/list (reported once)");
    }
  }

  /** Called for an id the answer has no usable price for. */
  @FunctionalInterface
  interface MissingId {
    void report(String id, String why);
  }

  /** Parses a {@code /simple/price} answer into snapshots, in the order of {@code ids}. */
  static List<MarketMessage> parse(List<String> ids, String vs, String body, long fetchedAt,
      MissingId missing) throws MalformedPayloadException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedPayloadException(what(ids), Excerpts.of(body));
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPayloadException(what(ids), Excerpts.of(body));
    }
    List<MarketMessage> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      JsonNode coin = root.get(id);
      if (coin == null || coin.isNull()) {
        missing.report(id, "unknown id");
        continue;
      }
      JsonNode price = coin.get(vs);
      JsonNode updated = coin.get("last_updated_at");
      if (price == null || !price.isNumber() || updated == null || !updated.canConvertToLong()
          || updated.asLong() <= 0) {
        missing.report(id, "no price or update time in " + Excerpts.of(coin.toString()));
        continue;
      }
      JsonNode change = coin.get(vs + "_24h_change");
      out.add(MarketMessage.snapshot(NAME, id, updated.asLong() * 1000, price.decimalValue(),
          change != null && change.isNumber() ? change.decimalValue() : null, fetchedAt));
    }
    return out;
  }

  private static String what(List<String> ids) {
    return ids.size() == 1 ? ids.get(0) : String.join(",", ids);
  }
}
