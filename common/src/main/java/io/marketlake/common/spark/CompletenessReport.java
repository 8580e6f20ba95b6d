package io.marketlake.common.spark;

import io.marketlake.common.Lakehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The completeness ledger ({@code silver/completeness}, written by silver) summed per source and
 * symbol: what {@code marketlake gaps} prints and heals, and what the report shows.
 */
public final class CompletenessReport {
  private CompletenessReport() {}

  /** Minutes {@code [start, endExclusive)} of a symbol with neither a candle nor an empty answer. */
  public record MissingRange(String source, String symbol, Instant start, Instant endExclusive) {
    public long minutes() {
      return (endExclusive.toEpochMilli() - start.toEpochMilli()) / 60_000;
    }
  }

  /** A symbol's tracked span, summed over its days; {@code missing} ordered and joined. */
  public record SymbolCompleteness(String source, String symbol, long expectedMinutes,
      long presentMinutes, long exchangeNoneMinutes, List<MissingRange> missing) {
    public SymbolCompleteness {
      missing = List.copyOf(missing);
    }

    public long missingMinutes() {
      return missing.stream().mapToLong(MissingRange::minutes).sum();
    }

    /**
     * Present of expected minutes, rounded down to 0.01 so that one missing minute never shows
     * as 100.00%.
     */
    public String percent() {
      double pct = expectedMinutes == 0 ? 100
          : Math.floor(presentMinutes * 10_000.0 / expectedMinutes) / 100;
      return String.format(Locale.ROOT, "%.2f%%", pct);
    }

    /** E.g. {@code LINKUSDT 99.93% (1 missing range, 1 min)}. */
    public String summary() {
      return symbol + " " + detail();
    }

    /** The summary without the symbol: {@code 99.93% (1 missing range, 1 min)}. */
    public String detail() {
      int n = missing.size();
      String ranges = n == 0 ? "no missing minutes"
          : n + " missing range" + (n == 1 ? "" : "s") + ", " + missingMinutes() + " min";
      String none = exchangeNoneMinutes == 0 ? ""
          : "; " + exchangeNoneMinutes + " min the exchange had none";
      return percent() + " (" + ranges + none + ")";
    }
  }

  /** Whether silver has written the ledger yet. */
  public static boolean exists(SparkSession spark, Lakehouse lakehouse) {
    return LakehouseSpark.isDelta(spark, lakehouse.silverCompleteness());
  }

  /** Every symbol of the ledger, by source and symbol; empty if there is no ledger yet. */
  public static List<SymbolCompleteness> read(SparkSession spark, Lakehouse lakehouse) {
    if (!exists(spark, lakehouse)) return List.of();
    Map<List<String>, long[]> totals = new LinkedHashMap<>();
    Map<List<String>, List<MissingRange>> ranges = new LinkedHashMap<>();
    for (Row r : spark.read().format("delta").load(lakehouse.silverCompleteness())
        .orderBy("source", "symbol", "day").collectAsList()) {
      String source = r.getAs("source");
      String symbol = r.getAs("symbol");
      List<String> key = List.of(source, symbol);
      long[] t = totals.computeIfAbsent(key, k -> new long[3]);
      t[0] += r.<Long>getAs("expected_minutes");
      t[1] += r.<Long>getAs("present_minutes");
      t[2] += r.<Long>getAs("exchange_none_minutes");
      List<MissingRange> list = ranges.computeIfAbsent(key, k -> new ArrayList<>());
      for (Row m : r.<Row>getList(r.fieldIndex("missing_ranges"))) {
        list.add(new MissingRange(source, symbol, m.getTimestamp(0).toInstant(),
            m.getTimestamp(1).toInstant()));
      }
    }
    List<SymbolCompleteness> out = new ArrayList<>();
    totals.forEach((key, t) -> out.add(new SymbolCompleteness(key.get(0), key.get(1), t[0], t[1],
        t[2], joinAdjacent(ranges.get(key)))));
    return out;
  }

  /** Joins ranges that meet (the ledger splits a range at midnight), in order. Pure. */
  static List<MissingRange> joinAdjacent(List<MissingRange> ordered) {
    List<MissingRange> out = new ArrayList<>();
    for (MissingRange r : ordered) {
      MissingRange last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.endExclusive().equals(r.start())) {
        out.set(out.size() - 1, new MissingRange(r.source(), r.symbol(), last.start(),
            r.endExclusive()));
      } else {
        out.add(r);
      }
    }
    return out;
  }
}
