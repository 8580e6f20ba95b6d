package io.marketlake.stack;

import io.marketlake.common.UsageException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Faults the simulated exchange injects into its market-data answers ({@code klines} and {@code
 * ticker/24hr}), each with a probability per request, so that a client's resilience can be tested
 * against the real wire format. Parsed from a spec such as {@code
 * 429=0.02,418=0.005,5xx=0.05,timeout=0.02,malformed=0.03,duplicate=0.05,late=0.1}.
 *
 * @param rates probability per request of each fault; at most one fault per request, so the rates
 *     must sum to at most 1
 * @param retryAfter the {@code Retry-After} of an injected 429, and the length of an injected 418
 *     ban (during which every request is answered 418)
 * @param delay how long a {@code timeout} fault holds the answer back: longer than the client's
 *     read timeout, or it is no fault
 * @param seed seed of the draws: the same seed and the same request order give the same faults
 */
public record ExchangeFaults(Map<Kind, Double> rates, Duration retryAfter, Duration delay,
    long seed) {

  /** What can go wrong with one answer. */
  public enum Kind {
    /** 429 with {@code Retry-After}, as past the weight limit. */
    RATE_LIMIT("429"),
    /** 418 with {@code Retry-After}: an IP ban; every request is refused until it ends. */
    BAN("418"),
    /** 500, 502 or 503 with Binance's error body. */
    SERVER_ERROR("5xx"),
    /** The answer is held back for {@link ExchangeFaults#delay}. */
    TIMEOUT("timeout"),
    /** A 200 whose JSON body is cut off half way. */
    MALFORMED("malformed"),
    /** A 200 kline array in which one candle appears twice. */
    DUPLICATE("duplicate"),
    /**
     * A 200 kline array from a replica {@link ExchangeFaults#LATE_BY} behind: the minutes that
     * closed since are not in it yet, nor is a forming candle (a REST cache lagging the matching
     * engine; a client that takes the short answer as final for the minute waits a whole cycle).
     */
    LATE("late");

    private final String spec;

    Kind(String spec) {
      this.spec = spec;
    }

    public String spec() {
      return spec;
    }
  }

  /** How far behind the exchange's clock a {@link Kind#LATE} answer is, in exchange time. */
  public static final Duration LATE_BY = Duration.ofSeconds(5);

  public static final ExchangeFaults NONE =
      new ExchangeFaults(Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(12), 1L);

  public ExchangeFaults {
    EnumMap<Kind, Double> copy = new EnumMap<>(Kind.class);
    copy.putAll(rates);
    double sum = 0;
    for (Map.Entry<Kind, Double> e : copy.entrySet()) {
      if (!(e.getValue() >= 0 && e.getValue() <= 1)) {
        throw new UsageException("Invalid fault rate " + e.getKey().spec() + "=" + e.getValue()
            + ": expected a probability from 0 to 1 (--exchange-faults)");
      }
      sum += e.getValue();
    }
    if (sum > 1 + 1e-9) {
      throw new UsageException("Fault rates add up to " + sum + ", more than 1: at most one fault"
          + " is injected per request (--exchange-faults)");
    }
    rates = Collections.unmodifiableMap(copy);
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
    }
  }

  /**
   * Parses {@code KIND=RATE[,KIND=RATE...]}, kinds {@code 429}, {@code 418}, {@code 5xx}, {@code
   * timeout}, {@code malformed}, {@code duplicate}, {@code late}; an empty or null spec is {@link
   * #NONE}.
   */
  public static ExchangeFaults parse(String spec, Duration retryAfter, Duration delay, long seed) {
    Map<Kind, Double> rates = new EnumMap<>(Kind.class);
    if (spec != null && !spec.isBlank()) {
      for (String pair : spec.split(",")) {
        String[] kv = pair.trim().split("=", 2);
        Kind kind = null;
        for (Kind k : Kind.values()) {
          if (k.spec().equals(kv[0].trim().toLowerCase(Locale.ROOT))) kind = k;
        }
        if (kind == null || kv.length != 2) {
          throw new UsageException("Invalid fault '" + pair.trim() + "': expected KIND=RATE with"
              + " KIND one of 429, 418, 5xx, timeout, malformed, duplicate, late, e.g. 5xx=0.05"
              + " (--exchange-faults)");
        }
        try {
          rates.put(kind, Double.parseDouble(kv[1].trim()));
        } catch (NumberFormatException e) {
          throw new UsageException("Invalid fault rate '" + pair.trim() + "': expected a"
              + " probability such as 0.05 (--exchange-faults)");
        }
      }
    }
    return new ExchangeFaults(rates, retryAfter, delay, seed);
  }

  public boolean any() {
    return rates.values().stream().anyMatch(r -> r > 0);
  }

  /** The fault for a draw {@code u} uniform in [0, 1), or null for a clean answer. */
  Kind pick(double u) {
    double cumulative = 0;
    for (Map.Entry<Kind, Double> e : rates.entrySet()) {
      cumulative += e.getValue();
      if (u < cumulative) return e.getKey();
    }
    return null;
  }

  /** The spec this was parsed from, in a canonical order, e.g. {@code 429=0.02,5xx=0.05}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    rates.forEach((k, v) -> {
      if (v > 0) out.append(out.length() == 0 ? "" : ",").append(k.spec()).append('=').append(v);
    });
    return out.length() == 0 ? "none" : out.toString();
  }
}
