package io.marketlake.ingest;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A MockWebServer dispatcher answering like Binance: klines in the real array layout for any
 * symbol, at most {@code limit}, the candles closed by {@code now} and, when the range covers it,
 * the one still forming ({@link #formingKline}: close time in the future, a third of the volume);
 * and server time, unless told to fail it.
 */
final class FakeBinance extends Dispatcher {
  private final LongSupplier now;
  final Set<String> rejected = ConcurrentHashMap.newKeySet();
  /** How many of the next {@code /api/v3/time} requests are answered 503. */
  final java.util.concurrent.atomic.AtomicInteger failTime =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Symbols whose answers are held back until their latch opens (a slow symbol). */
  final java.util.Map<String, java.util.concurrent.CountDownLatch> held =
      new ConcurrentHashMap<>();
  /** This many klines requests are refused (HTTP 400) before answers are normal again. */
  final java.util.concurrent.atomic.AtomicInteger failNext =
      new java.util.concurrent.atomic.AtomicInteger();
  /** Open times the exchange has no candle for (a maintenance window). */
  final Set<Long> noCandle = ConcurrentHashMap.newKeySet();
  /** While its clock is before {@code lateUntil}, candles are served {@code lateBy} ms late. */
  volatile long lateBy;
  volatile long lateUntil = Long.MIN_VALUE;

  FakeBinance(LongSupplier now) {
    this.now = now;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getUrl().encodedPath();
    if (path.equals("/api/v3/time")) {
      if (failTime.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return new MockResponse.Builder().code(503).body("Service Unavailable").build();
      }
      return json("{\"serverTime\":" + now.getAsLong() + "}");
    }
    String symbol = request.getUrl().queryParameter("symbol");
    java.util.concurrent.CountDownLatch hold = held.get(symbol);
    if (hold != null) {
      try {
        hold.await(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (rejected.contains(symbol) || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return new MockResponse.Builder().code(400)
          .body("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}").build();
    }
    long start = Long.parseLong(request.getUrl().queryParameter("startTime"));
    long end = Long.parseLong(request.getUrl().queryParameter("endTime"));
    int limit = Integer.parseInt(request.getUrl().queryParameter("limit"));
    long servedBy = now.getAsLong();
    if (servedBy < lateUntil) servedBy -= lateBy;
    // A late exchange has not got the newest candles at all: it serves no forming one either.
    return json(klines(start, end, limit, servedBy, noCandle, servedBy == now.getAsLong()));
  }

  /**
   * Candles with open time in [start, end] (inclusive, as Binance) that began by {@code now}: the
   * closed ones, and (if {@code forming}) the one whose minute {@code now} is in; none for the
   * minutes in {@code noCandle}.
   */
  static String klines(long start, long end, int limit, long now, Set<Long> noCandle,
      boolean forming) {
    StringBuilder out = new StringBuilder("[");
    long first = -Math.floorDiv(-start, 60_000L) * 60_000L;
    int n = 0;
    // The newest open time served: the forming candle's, or the last closed one's.
    long newest = forming ? now : now - 60_000;
    for (long t = first; t <= end && t <= newest && n < limit; t += 60_000) {
      if (noCandle.contains(t)) continue;
      if (n++ > 0) out.append(',');
      out.append(t + 60_000 <= now ? kline(t) : formingKline(t));
    }
    return out.append(']').toString();
  }

  /** The volume of every closed candle, {@link #kline}. */
  static final String CLOSED_VOLUME = "1.50000000";
  /** The volume of a forming candle, {@link #formingKline}: a third of the closed one. */
  static final String FORMING_VOLUME = "0.50000000";

  /** The candle of the minute still running at {@code openTime}: values so far. */
  static String formingKline(long openTime) {
    return kline(openTime).replace("\"" + CLOSED_VOLUME + "\"", "\"" + FORMING_VOLUME + "\"");
  }

  static String kline(long openTime) {
    long minute = openTime / 60_000 % 1000;
    String price = "42" + String.format("%03d", minute) + ".10000000";
    return "[" + openTime + ",\"" + price + "\",\"" + price + "\",\"" + price + "\",\"" + price
        + "\",\"" + CLOSED_VOLUME + "\"," + (openTime + 59_999)
        + ",\"63000.15000000\",7,\"0.75000000\",\"31500.07500000\",\"0\"]";
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .addHeader(ExchangeHttp.USED_WEIGHT_HEADER, "2").body(body).build();
  }

  static List<String> query(RecordedRequest r, String... names) {
    return java.util.Arrays.stream(names).map(n -> r.getUrl().queryParameter(n)).toList();
  }
}
