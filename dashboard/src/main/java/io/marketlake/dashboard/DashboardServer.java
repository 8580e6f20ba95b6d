package io.marketlake.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.marketlake.common.ChartResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The dashboard's HTTP server: the page, its script and Apache ECharts from the jar, and a JSON
 * API over {@link DashboardData}. An answer older than {@code maxAge} is still served at once
 * while one background refresh reads it anew (stale while revalidate): a browser never waits for
 * Spark, which under {@code live} shares two cores with the layers, and however many browsers
 * poll, each key is read by at most one query at a time. A key's first request waits, and so
 * does one whose answer is more than {@link #STALE_GRACE} past its age.
 */
public final class DashboardServer implements AutoCloseable {
  /** Where the page's files lie on the classpath. */
  static final String WEB = "io/marketlake/dashboard/web/";
  /** ECharts' own build, from the WebJar. */
  static final String ECHARTS = io.marketlake.common.EchartsWebJar.minJsPath();
  static final int MAX_LIMIT = 5000;
  /** How much older than {@code maxAge} an answer may be and still be served while refreshed. */
  static final Duration STALE_GRACE = Duration.ofSeconds(15);

  private static final Map<String, String> STATIC = Map.of(
      "/", WEB + "index.html",
      "/index.html", WEB + "index.html",
      "/dashboard.js", WEB + "dashboard.js",
      "/dashboard.css", WEB + "dashboard.css",
      "/charts.js", ChartResources.SCRIPT,
      "/charts.css", ChartResources.STYLE,
      "/vendor/echarts.min.js", ECHARTS);

  private final HttpServer server;
  private final ExecutorService threads;
  private final DashboardData data;
  private final Duration maxAge;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final ExecutorService refreshes = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "dashboard-refresh");
    t.setDaemon(true);
    return t;
  });

  private DashboardServer(HttpServer server, ExecutorService threads, DashboardData data,
      Duration maxAge) {
    this.server = server;
    this.threads = threads;
    this.data = data;
    this.maxAge = maxAge;
  }

  /**
   * Starts serving on {@code host:port} (port 0: a free one).
   *
   * @param maxAge how long an answer is reused before the tables are read again
   */
  public static DashboardServer start(DashboardData data, String host, int port, Duration maxAge)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "dashboard-http");
      t.setDaemon(true);
      return t;
    });
    DashboardServer dashboard = new DashboardServer(http, threads, data, maxAge);
    http.createContext("/", dashboard::handle);
    http.setExecutor(threads);
    http.start();
    return dashboard;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8321/}. */
  public URI uri() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + port() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "text/plain", bytes("GET only"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (STATIC.containsKey(path)) {
        serveResource(exchange, STATIC.get(path));
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI());
      try {
        Object answer = switch (path) {
          case "/api/overview" -> cached("overview", data::overview);
          case "/api/candles" -> {
            String symbol = required(query, "symbol");
            String interval = query.getOrDefault("interval", "1m");
            if (!DashboardData.INTERVALS.contains(interval)) {
              throw new IllegalArgumentException("interval must be one of "
                  + DashboardData.INTERVALS + ", got " + interval);
            }
            int limit = limit(query);
            yield cached("candles/" + symbol + "/" + interval + "/" + limit,
                () -> data.candles(symbol, interval, limit));
          }
          case "/api/predictions" -> {
            String symbol = required(query, "symbol");
            int limit = limit(query);
            yield cached("predictions/" + symbol + "/" + limit,
                () -> data.predictions(symbol, limit));
          }
          default -> null;
        };
        if (answer == null) {
          send(exchange, 404, "text/plain", bytes("Not found: " + path));
        } else {
          send(exchange, 200, "application/json", json.writeValueAsBytes(answer));
        }
      } catch (IllegalArgumentException e) {
        send(exchange, 400, "application/json", json.writeValueAsBytes(
            Map.of("error", e.getMessage())));
      } catch (Exception e) {
        send(exchange, 500, "application/json", json.writeValueAsBytes(
            Map.of("error", String.valueOf(e.getMessage()))));
      }
    }
  }

  /** An answer and when it was computed; computing one holds its entry's lock. */
  private static final class Cached {
    Object value;
    long computedAt;
    boolean refreshing;
  }

  interface Query {
    Object read() throws Exception;
  }

  private Object cached(String key, Query query) throws Exception {
    Cached entry = cache.computeIfAbsent(key, k -> new Cached());
    synchronized (entry) {
      // The first request of a key waits for it, and so does one after a long quiet spell: an
      // answer minutes old is no longer worth showing even for a moment.
      if (entry.value == null || System.nanoTime() - entry.computedAt > maxAge.toNanos()
          + STALE_GRACE.toNanos()) {
        entry.value = query.read();
        entry.computedAt = System.nanoTime();
        return entry.value;
      }
      if (!entry.refreshing && System.nanoTime() - entry.computedAt > maxAge.toNanos()) {
        entry.refreshing = true;
        refreshes.submit(() -> refresh(key, entry, query));
      }
      return entry.value;
    }
  }

  private void refresh(String key, Cached entry, Query query) {
    try {
      Object value = query.read();
      synchronized (entry) {
        entry.value = value;
        entry.computedAt = System.nanoTime();
      }
    } catch (Exception e) {
      // The old answer stays (its generatedAt / candle times show its age); said once per failure.
      System.err.println("dashboard: refreshing " + key + " failed: " + e.getMessage());
    } finally {
      synchronized (entry) {
        entry.refreshing = false;
      }
    }
  }

  private static String required(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing query parameter " + name);
    }
    return value;
  }

  private static int limit(Map<String, String> query) {
    String value = query.getOrDefault("limit", "600");
    try {
      int limit = Integer.parseInt(value);
      if (limit < 1 || limit > MAX_LIMIT) throw new NumberFormatException();
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + value);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0) continue;
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void serveResource(HttpExchange exchange, String resource) throws IOException {
    try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        send(exchange, 500, "text/plain", bytes("Missing from the jar: " + resource));
        return;
      }
      String type = resource.endsWith(".js") ? "text/javascript; charset=utf-8"
          : resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
      send(exchange, 200, type, in.readAllBytes());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    refreshes.shutdownNow();
  }
}
