package io.marketlake.stack;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic, randomly accessible 1-minute price paths for any symbol: the same (seed, symbol,
 * minute) always gives the same candle, across restarts, so a backfill may ask for any date.
 *
 * <p>Design: per (seed, symbol) a daily walk of anchor prices (a mean-reverting walk in log price
 * from a fixed origin date, one step per day, so prices stay within a few times the base price for
 * decades). Within a day, a Brownian bridge of 1440 minute steps (volatility about 0.1 % per minute)
 * runs from that day's anchor to the next day's, from an RNG seeded by (seed, symbol, day), so a day
 * is generated on its own and its last close is the next day's first open. Generated days are kept
 * in a small LRU cache.
 *
 * <p>Base price: a few well-known symbols get a familiar level (BTCUSDT about 60,000); any other
 * symbol gets a log-uniform level between 0.5 and 50,000 from its hash. Prices are rounded to a tick
 * of 2 to 8 decimals depending on the level; volumes are positive, high ≥ max(open, close) and
 * low ≤ min(open, close).
 */
final class SeededCandles implements CandleSource {
  static final long DAY = 86_400_000L;
  static final int MINUTES_PER_DAY = 1440;
  private static final long ORIGIN_DAY = LocalDate.of(2017, 1, 1).toEpochDay();
  private static final double MINUTE_SIGMA = 0.001;
  private static final double DAILY_SIGMA = MINUTE_SIGMA * Math.sqrt(MINUTES_PER_DAY);
  private static final double REVERSION = 0.01;
  private static final int CACHE_DAYS = 96;
  private static final Map<String, Double> KNOWN = Map.of(
      "BTCUSDT", 60_000.0, "ETHUSDT", 3_000.0, "BNBUSDT", 600.0, "SOLUSDT", 150.0,
      "XRPUSDT", 0.6);

  private final long seed;
  private final Map<String, DayPath> cache =
      new LinkedHashMap<>(CACHE_DAYS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DayPath> eldest) {
          return size() > CACHE_DAYS;
        }
      };

  SeededCandles(long seed) {
    this.seed = seed;
  }

  @Override
  public List<Candle> candles(String symbol, long fromOpen, long toOpen, int limit) {
    List<Candle> out = new ArrayList<>(Math.max(0, Math.min(limit, 1000)));
    for (long t = fromOpen; t <= toOpen && out.size() < limit; t += Candle.MINUTE) {
      long day = Math.floorDiv(t, DAY);
      out.add(day(symbol, day).candle((int) ((t - day * DAY) / Candle.MINUTE)));
    }
    return out;
  }

  private DayPath day(String symbol, long day) {
    String key = symbol + '@' + day;
    synchronized (cache) {
      DayPath cached = cache.get(key);
      if (cached != null) return cached;
    }
    // Generated outside the lock: two threads may build the same day, which is harmless.
    DayPath path = new DayPath(symbol, day);
    synchronized (cache) {
      cache.put(key, path);
    }
    return path;
  }

  /** Log-price deviation from the base level at the start of {@code day}. */
  private double anchor(long symbolSeed, long day) {
    long steps = day - ORIGIN_DAY;
    // Days before the origin walk backwards on a stream of their own.
    SplittableRandom rng = new SplittableRandom(mix(symbolSeed ^ (steps < 0 ? 0x5DEECE66DL : 0L)));
    double x = 0;
    for (long i = 0; i < Math.abs(steps); i++) {
      x = x * (1 - REVERSION) + DAILY_SIGMA * rng.nextGaussian();
    }
    return x;
  }

  static double basePrice(String symbol) {
    Double known = KNOWN.get(symbol);
    if (known != null) return known;
    double u = (mix(fnv(symbol)) >>> 11) * 0x1.0p-53;
    return Math.exp(Math.log(0.5) + u * (Math.log(50_000) - Math.log(0.5)));
  }

  static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** MurmurHash3's 64-bit finaliser: spreads seeds so nearby inputs give unrelated streams. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** One symbol's day of candles, as exact tick counts. */
  private final class DayPath {
    final long dayStart;
    final int priceScale;
    final int volumeScale;
    final int quoteScale;
    final long[] open = new long[MINUTES_PER_DAY];
    final long[] high = new long[MINUTES_PER_DAY];
    final long[] low = new long[MINUTES_PER_DAY];
    final long[] close = new long[MINUTES_PER_DAY];
    final long[] volume = new long[MINUTES_PER_DAY];
    final double[] quote = new double[MINUTES_PER_DAY];
    final long[] trades = new long[MINUTES_PER_DAY];
    final double[] takerShare = new double[MINUTES_PER_DAY];

    DayPath(String symbol, long day) {
      dayStart = day * DAY;
      double base = basePrice(symbol);
      int magnitude = (int) Math.floor(Math.log10(base));
      priceScale = Math.max(2, Math.min(8, 5 - magnitude));
      volumeScale = Math.max(0, Math.min(8, magnitude + 1));
      quoteScale = Math.min(8, priceScale + volumeScale);
      long symbolSeed = mix(seed) ^ fnv(symbol);
      double from = anchor(symbolSeed, day);
      double to = anchor(symbolSeed, day + 1);
      SplittableRandom rng = new SplittableRandom(mix(symbolSeed ^ mix(day + 0x9E3779B97F4A7C15L)));

      double[] walk = new double[MINUTES_PER_DAY + 1];
      for (int i = 1; i <= MINUTES_PER_DAY; i++) {
        walk[i] = walk[i - 1] + MINUTE_SIGMA * rng.nextGaussian();
      }
      double tickSize = Math.pow(10, -priceScale);
      long[] price = new long[MINUTES_PER_DAY + 1];
      for (int i = 0; i <= MINUTES_PER_DAY; i++) {
        // The bridge pins minute 0 to today's anchor and minute 1440 to tomorrow's.
        double log = walk[i] - (double) i / MINUTES_PER_DAY * (walk[MINUTES_PER_DAY] - (to - from));
        price[i] = Math.max(1, Math.round(base * Math.exp(from + log) / tickSize));
      }
      double quoteLevel = 20_000 * Math.exp((mix(fnv(symbol) + 1) >>> 11) * 0x1.0p-53 * 4.6);
      double tradeSize = 100 + base % 400;
      for (int i = 0; i < MINUTES_PER_DAY; i++) {
        open[i] = price[i];
        close[i] = price[i + 1];
        long top = Math.max(open[i], close[i]);
        long bottom = Math.min(open[i], close[i]);
        high[i] = top + (long) Math.ceil(top * MINUTE_SIGMA * 0.5 * Math.abs(rng.nextGaussian()));
        low[i] = Math.max(1, bottom
            - (long) Math.ceil(bottom * MINUTE_SIGMA * 0.5 * Math.abs(rng.nextGaussian())));
        // Busier around the US session and on bigger moves, as real markets are.
        double session = 1 + 0.4 * Math.cos(2 * Math.PI * (i / 1440.0 - 14.5 / 24));
        double move = 1 + 300 * Math.abs(close[i] - open[i]) / (double) open[i];
        double mid = (open[i] + high[i] + low[i] + close[i]) / 4.0 * tickSize;
        double quoteWanted = quoteLevel * session * move * Math.exp(0.5 * rng.nextGaussian());
        volume[i] = Math.max(1, Math.round(quoteWanted / mid * Math.pow(10, volumeScale)));
        quote[i] = volume[i] * Math.pow(10, -volumeScale) * mid;
        trades[i] = Math.max(1, Math.round(quote[i] / tradeSize));
        takerShare[i] = 0.3 + 0.4 * rng.nextDouble();
      }
    }

    Candle candle(int minute) {
      long taker = Math.round(volume[minute] * takerShare[minute]);
      return new Candle(
          dayStart + minute * Candle.MINUTE,
          decimal(open[minute], priceScale),
          decimal(high[minute], priceScale),
          decimal(low[minute], priceScale),
          decimal(close[minute], priceScale),
          decimal(volume[minute], volumeScale),
          decimal(quote[minute], quoteScale),
          trades[minute],
          decimal(taker, volumeScale),
          decimal(quote[minute] * taker / volume[minute], quoteScale));
    }
  }

  private static String decimal(long units, int scale) {
    return BigDecimal.valueOf(units, scale).toPlainString();
  }

  private static String decimal(double value, int scale) {
    return BigDecimal.valueOf(value).setScale(scale, java.math.RoundingMode.HALF_UP).toPlainString();
  }
}
