package io.marketlake.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.marketlake.common.Cli;
import io.marketlake.common.Symbols;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An HTTP server on 127.0.0.1 speaking Binance's public REST format for 1-minute candles.
 *
 * <ul>
 *   <li>{@code GET /api/v3/klines?symbol&interval=1m[&startTime][&endTime][&limit]} (weight 2):
 *       candles whose open time is in [startTime, endTime], at most {@code limit} (default 500;
 *       larger values are capped at 1000, as Binance's spot API does), oldest first; without
 *       startTime the latest {@code limit} ending at endTime (or now).
 *   <li>{@code GET /api/v3/ticker/24hr?symbol=} or {@code ?symbols=["A","B"]} (weight 2 per symbol,
 *       40 without one: the listed symbols), from the last 1440 closed candles.
 *   <li>{@code GET /api/v3/ping}, {@code GET /api/v3/time} (weight 1).
 *   <li>{@code GET /sim/stats} (free): requests and 429s so far, as JSON.
 * </ul>
 *
 * <p>As on Binance, the current minute's candle is served while it forms, when {@code endTime}
 * (or its absence) covers it: open fixed, the rest so far ({@link Candle#formingAt}), close time in
 * the future. Later minutes do not exist yet; the 24 h ticker uses closed candles only. Every API
 * response carries {@code X-MBX-USED-WEIGHT-1M}; past the per-minute budget the answer is 429 with
 * {@code Retry-After}, and the refused request costs no weight.
 *
 * <p>With {@link ExchangeOptions#faults()}, market-data answers ({@code klines}, {@code
 * ticker/24hr}) go wrong at random in the ways a real exchange's do: 429 and 418 (then refused
 * until the ban ends), 5xx, answers held back past a client's timeout, JSON cut off half way, and
 * kline arrays holding a candle twice. {@code /sim/stats} counts each.
 */
public final class SimulatedExchange implements AutoCloseable {
  static final int KLINES_WEIGHT = 2;
  static final int TICKER_WEIGHT_PER_SYMBOL = 2;
  static final int TICKER_WEIGHT_ALL = 40;
  private static final int MAX_LIMIT = 1000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ExchangeOptions options;
  private final CandleSource candles;
  private final Set<String> listed;
  private final WeightLimit budget;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final ExchangeFaults faults;
  private final java.util.Random faultDraws;
  private final Map<ExchangeFaults.Kind, AtomicLong> injected =
      new java.util.EnumMap<>(ExchangeFaults.Kind.class);
  private volatile long bannedUntil;

  private SimulatedExchange(ExchangeOptions options, LongSupplier wallClock) throws IOException {
    this.options = options;
    CandleSource seeded = new SeededCandles(options.seed());
    Set<String> symbols = new LinkedHashSet<>(options.listedSymbols());
    if (options.replayDir() != null) {
      ReplayCandles replay = ReplayCandles.load(options.replayDir(), seeded);
      symbols.addAll(replay.symbols());
      this.candles = replay;
    } else {
      this.candles = seeded;
    }
    this.listed = Set.copyOf(symbols);
    this.budget = new WeightLimit(options.weightLimit(), options.weightWindow().toMillis(),
        wallClock);
    this.server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
    AtomicInteger threads = new AtomicInteger();
    this.faults = options.faults();
    this.faultDraws = new java.util.Random(faults.seed());
    for (ExchangeFaults.Kind kind : ExchangeFaults.Kind.values()) {
      injected.put(kind, new AtomicLong());
    }
    // Held-back answers occupy a thread each: more of them when faults are on.
    this.executor = Executors.newFixedThreadPool(faults.any() ? 32 : 4, r -> {
      Thread t = new Thread(r, "exchange-http-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Binds 127.0.0.1 on the configured port (0: a free one) and starts serving. */
  public static SimulatedExchange start(ExchangeOptions options) throws IOException {
    return start(options, System::currentTimeMillis);
  }

  /** As {@link #start(ExchangeOptions)}, with the clock of the weight budget injected. */
  static SimulatedExchange start(ExchangeOptions options, LongSupplier wallClock)
      throws IOException {
    SimulatedExchange exchange = new SimulatedExchange(options, wallClock);
    exchange.server.start();
    return exchange;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** For example {@code http://127.0.0.1:41234}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public ExchangeOptions options() {
    return options;
  }

  /** API requests received so far, including refused ones. */
  public long requests() {
    return requests.get();
  }

  /** 429 answers sent so far. */
  public long rateLimited() {
    return rateLimited.get();
  }

  /** How many times each fault was injected so far. */
  public Map<ExchangeFaults.Kind, Long> injectedFaults() {
    Map<ExchangeFaults.Kind, Long> out = new java.util.EnumMap<>(ExchangeFaults.Kind.class);
    injected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Weight used in the current real minute (weight window). */
  public int usedWeight() {
    return budget.used();
  }

  /** The weight limit per window. */
  public int weightLimit() {
    return budget.limit();
  }

  /**
   * Weight charged in each recent window that saw any (window start, epoch ms → weight), oldest
   * first: what a benchmark reads to tell how much of the budget a client used.
   */
  public Map<Long, Integer> weightPerWindow() {
    return budget.history();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Runs the exchange in its own JVM until killed; see {@link ExchangeCommand} for the options. */
  public static void main(String[] args) {
    int code = Cli.run(new ExchangeCommand(), args);
    if (code != Cli.OK) System.exit(code);
  }

  private void handle(HttpExchange http) throws IOException {
    try (http) {
      String path = http.getRequestURI().getPath();
      Map<String, String> query = query(http.getRequestURI().getRawQuery());
      if (path.equals("/sim/stats")) {
        reply(http, 200, stats(), -1);
        return;
      }
      if (!path.startsWith("/api/v3/")) {
        reply(http, 404, BinanceFormat.error(-1000, "Unknown path " + path), -1);
        return;
      }
      requests.incrementAndGet();
      boolean marketData = path.equals("/api/v3/klines") || path.equals("/api/v3/ticker/24hr");
      // A ban covers every endpoint; the other faults only spoil market data.
      ExchangeFaults.Kind fault = System.currentTimeMillis() < bannedUntil
          ? ExchangeFaults.Kind.BAN : marketData ? drawFault() : null;
      if (fault != null && refuse(http, fault)) return;
      WeightLimit.Outcome outcome = budget.acquire(weight(path, query));
      if (!outcome.allowed()) {
        rateLimited.incrementAndGet();
        http.getResponseHeaders().set("Retry-After", Long.toString(outcome.retryAfterSeconds()));
        reply(http, 429, BinanceFormat.error(-1003, "Too many requests; current limit of IP"
            + " is " + budget.limit() + " request weight per 1 MINUTE. Please use WebSocket"
            + " Streams for live updates to avoid polling the API."), outcome.used());
        return;
      }
      try {
        // A late answer comes from a replica behind the exchange's clock; other faults spoil it.
        boolean late = fault == ExchangeFaults.Kind.LATE && path.equals("/api/v3/klines");
        if (late) injected.get(fault).incrementAndGet();
        byte[] body = route(path, query, late ? ExchangeFaults.LATE_BY.toMillis() : 0);
        if (fault != null) body = spoil(fault, path, body);
        reply(http, 200, body, outcome.used());
      } catch (BadRequest e) {
        reply(http, 400, BinanceFormat.error(e.code, e.getMessage()), outcome.used());
      } catch (RuntimeException e) {
        System.err.println("exchange: " + http.getRequestURI() + " failed: " + e);
        reply(http, 500, BinanceFormat.error(-1000,
            "An unknown error occurred while processing the request."), outcome.used());
      }
    }
  }

  /** The fault for this market-data request, if any. */
  private ExchangeFaults.Kind drawFault() {
    if (!faults.any()) return null;
    double u;
    synchronized (faultDraws) {
      u = faultDraws.nextDouble();
    }
    return faults.pick(u);
  }

  /** Answers a refusing fault (429, 418, 5xx) and returns true; false for the other kinds. */
  private boolean refuse(HttpExchange http, ExchangeFaults.Kind fault) throws IOException {
    long retryAfter = faults.retryAfter().toSeconds();
    switch (fault) {
      case RATE_LIMIT -> {
        injected.get(fault).incrementAndGet();
        http.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
        reply(http, 429, BinanceFormat.error(-1003, "Too many requests; current limit of IP is "
            + budget.limit() + " request weight per 1 MINUTE."), budget.used());
        return true;
      }
      case BAN -> {
        long now = System.currentTimeMillis();
        if (now >= bannedUntil) {
          injected.get(fault).incrementAndGet();
          bannedUntil = now + faults.retryAfter().toMillis();
        }
        long left = Math.max(1, (bannedUntil - now + 999) / 1000);
        http.getResponseHeaders().set("Retry-After", Long.toString(left));
        reply(http, 418, BinanceFormat.error(-1003, "Way too many requests; IP banned until "
            + bannedUntil + "."), budget.used());
        return true;
      }
      case SERVER_ERROR -> {
        injected.get(fault).incrementAndGet();
        int[] statuses = {500, 502, 503};
        int status;
        synchronized (faultDraws) {
          status = statuses[faultDraws.nextInt(statuses.length)];
        }
        reply(http, status, BinanceFormat.error(-1000,
            "An unknown error occurred while processing the request."), -1);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** Applies a non-refusing fault to a good answer. */
  private byte[] spoil(ExchangeFaults.Kind fault, String path, byte[] body) {
    switch (fault) {
      case TIMEOUT -> {
        injected.get(fault).incrementAndGet();
        try {
          Thread.sleep(faults.delay().toMillis());   // the fault is the wait itself
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return body;
      }
      case MALFORMED -> {
        injected.get(fault).incrementAndGet();
        return java.util.Arrays.copyOf(body, body.length / 2);
      }
      case DUPLICATE -> {
        if (!path.equals("/api/v3/klines")) return body;
        byte[] doubled = BinanceFormat.duplicateFirst(body);
        if (doubled != body) injected.get(fault).incrementAndGet();
        return doubled;
      }
      default -> {
        return body;
      }
    }
  }

  /** The answer to a request, as of {@code lagMs} before the exchange's clock for klines. */
  private byte[] route(String path, Map<String, String> query, long lagMs) {
    switch (path) {
      case "/api/v3/klines":
        return klines(query, lagMs);
      case "/api/v3/ticker/24hr":
        return ticker(query);
      case "/api/v3/ping":
        return "{}".getBytes(StandardCharsets.UTF_8);
      case "/api/v3/time":
        return ("{\"serverTime\":" + options.clock().nowMillis() + "}")
            .getBytes(StandardCharsets.UTF_8);
      default:
        throw new BadRequest(-1000, "Unknown path " + path);
    }
  }

  private static int weight(String path, Map<String, String> query) {
    switch (path) {
      case "/api/v3/klines":
        return KLINES_WEIGHT;
      case "/api/v3/ticker/24hr":
        if (query.containsKey("symbol")) return TICKER_WEIGHT_PER_SYMBOL;
        String symbols = query.get("symbols");
        if (symbols == null) return TICKER_WEIGHT_ALL;
        return TICKER_WEIGHT_PER_SYMBOL * Math.max(1, symbols.split(",").length);
      default:
        return 1;
    }
  }

  /**
   * The klines answer as of {@code lateByMs} before the exchange's clock: a late answer (a
   * lagging replica) has neither the minutes that closed since nor a forming candle.
   */
  private byte[] klines(Map<String, String> query, long lateByMs) {
    String symbol = symbol(query.get("symbol"), "symbol");
    String interval = query.get("interval");
    if (interval == null || interval.isEmpty()) throw BadRequest.mandatory("interval");
    if (!interval.equals("1m")) throw new BadRequest(-1120, "Invalid interval.");
    int limit = (int) Math.min(MAX_LIMIT, number(query, "limit", 500));
    if (limit < 1) {
      throw new BadRequest(-1100,
          "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
    }
    Long start = query.containsKey("startTime") ? number(query, "startTime", 0) : null;
    Long end = query.containsKey("endTime") ? number(query, "endTime", 0) : null;
    if (start != null && end != null && start > end) {
      throw new BadRequest(-1023, "Start time is greater than end time.");
    }
    long now = options.clock().nowMillis() - lateByMs;
    long forming = Math.floorDiv(now, Candle.MINUTE) * Candle.MINUTE;
    long to = lateByMs > 0 ? forming - Candle.MINUTE : forming;
    if (end != null) to = Math.min(to, Math.floorDiv(end, Candle.MINUTE) * Candle.MINUTE);
    long from = start != null
        ? Math.floorDiv(start + Candle.MINUTE - 1, Candle.MINUTE) * Candle.MINUTE
        : to - (limit - 1) * Candle.MINUTE;
    List<Candle> served = from > to ? List.of() : candles.candles(symbol, from, to, limit);
    if (!served.isEmpty() && served.get(served.size() - 1).openTime() == forming) {
      served = new ArrayList<>(served);
      served.set(served.size() - 1, served.get(served.size() - 1).formingAt(now - forming));
    }
    return BinanceFormat.klines(served);
  }

  private byte[] ticker(Map<String, String> query) {
    List<String> symbols = new ArrayList<>();
    if (query.containsKey("symbol")) {
      symbols.add(symbol(query.get("symbol"), "symbol"));
    } else if (query.containsKey("symbols")) {
      try {
        for (String s : MAPPER.readValue(query.get("symbols"), String[].class)) {
          symbols.add(symbol(s, "symbols"));
        }
      } catch (IOException e) {
        throw new BadRequest(-1100, "Illegal characters found in parameter 'symbols';"
            + " expected a JSON array such as [\"BTCUSDT\",\"ETHUSDT\"].");
      }
    } else {
      symbols.addAll(new java.util.TreeSet<>(listed));
    }
    long to = lastClosedOpen();
    long from = to - (SeededCandles.MINUTES_PER_DAY) * Candle.MINUTE;
    boolean single = query.containsKey("symbol");
    return BinanceFormat.write(g -> {
      if (!single) g.writeStartArray();
      for (String symbol : symbols) {
        List<Candle> window = candles.candles(symbol, from, to, SeededCandles.MINUTES_PER_DAY + 1);
        Candle previous = null;
        if (!window.isEmpty() && window.get(0).openTime() == from) {
          previous = window.get(0);
          window = window.subList(1, window.size());
        }
        BinanceFormat.ticker(g, symbol, window, previous);
      }
      if (!single) g.writeEndArray();
    });
  }

  /** Open time of the newest candle whose close time ({@code open + 59999}) is before now. */
  private long lastClosedOpen() {
    long now = options.clock().nowMillis();
    return Math.floorDiv(now, Candle.MINUTE) * Candle.MINUTE - Candle.MINUTE;
  }

  private static String symbol(String value, String param) {
    if (value == null || value.isEmpty()) throw BadRequest.mandatory(param);
    if (!Symbols.BINANCE.matcher(value).matches()) throw new BadRequest(-1121, "Invalid symbol.");
    return value;
  }

  private static long number(Map<String, String> query, String name, long fallback) {
    String value = query.get(name);
    if (value == null) return fallback;
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadRequest(-1100, "Illegal characters found in parameter '" + name
          + "'; legal range is '^[0-9]{1,20}$'.");
    }
  }

  private byte[] stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("requests", requests());
    stats.put("rateLimited", rateLimited());
    stats.put("usedWeight", usedWeight());
    stats.put("weightLimit", budget.limit());
    stats.put("serverTime", options.clock().nowMillis());
    Map<String, Long> faultCounts = new LinkedHashMap<>();
    injectedFaults().forEach((k, v) -> faultCounts.put(k.spec(), v));
    stats.put("injectedFaults", faultCounts);
    try {
      return MAPPER.writeValueAsBytes(stats);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void reply(HttpExchange http, int status, byte[] body, int usedWeight)
      throws IOException {
    http.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
    if (usedWeight >= 0) {
      http.getResponseHeaders().set("X-MBX-USED-WEIGHT-1M", Integer.toString(usedWeight));
    }
    http.sendResponseHeaders(status, body.length);
    try (OutputStream out = http.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(key, value);
    }
    return out;
  }

  /** A Binance-style 400: error code and message. */
  private static final class BadRequest extends RuntimeException {
    final int code;

    BadRequest(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    static BadRequest mandatory(String param) {
      return new BadRequest(-1102, "Mandatory parameter '" + param
          + "' was not sent, was empty/null, or malformed.");
    }
  }
}
