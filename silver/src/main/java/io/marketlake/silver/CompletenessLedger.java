package io.marketlake.silver;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The completeness ledger ({@code silver/completeness}): per source, symbol and UTC day, which
 * 1m minutes of the symbol's tracked span are present, answered empty by the exchange, or
 * missing.
 *
 * <p>The tracked span of a symbol runs from its first known minute (a candle or an empty answer)
 * to its last, so a partly ingested first or last day is not "missing". Expected minutes are the
 * tracked minutes the exchange did not answer as empty, for every source: 1,440 for a whole crypto
 * day, the trading session for an exchange-listed symbol (its closed hours come as empty answers).
 * A candle wins over an empty answer for the same minute.
 *
 * <p>Only the days silver batches touched are recomputed, plus the days their rows added to a
 * symbol's span (the old last day whose tail is now inside the span, and any day in between).
 * Batches {@link #record} those days; a {@link #flush} recomputes them all at once, so a live
 * silver pays for the ledger once per flush interval, not in every micro-batch. Days recorded but
 * not flushed when a job dies are caught up by the next batch after the restart: the spans read
 * back from the ledger end where its last flush did, so the days since are in the next window.
 * The spans are read from the ledger once per job and then kept in memory: silver is the
 * ledger's only writer.
 */
final class CompletenessLedger {
  static final String ONE_MINUTE = "1m";
  private static final StructType WINDOWS = new StructType()
      .add("source", DataTypes.StringType)
      .add("symbol", DataTypes.StringType)
      .add("tracked_from", DataTypes.TimestampType)
      .add("tracked_until", DataTypes.TimestampType);

  /** Tracked span per (source, symbol); null until the first batch reads them. */
  private Map<List<String>, Span> tracked;
  /** Per (source, symbol, day), the part of the day to recompute at the next flush. */
  private final Map<List<String>, DayWindow> pending = new HashMap<>();

  /** A symbol's range of known minutes, {@code [from, until)}. */
  record Span(String source, String symbol, Instant from, Instant until) {}

  /** The part of one UTC day the ledger recomputes for a symbol, {@code [from, until)}. */
  record DayWindow(String source, String symbol, Instant from, Instant until) {}

  /**
   * The day windows to recompute after a batch covering {@code batch}, given the symbol's span
   * before it ({@code tracked}, null if new). Pure.
   */
  static List<DayWindow> windows(Span batch, Span tracked) {
    Instant from = batch.from();
    Instant until = batch.until();
    LocalDate first = day(batch.from());
    LocalDate last = day(batch.until().minusMillis(1));
    if (tracked != null) {
      if (tracked.from().isBefore(from)) from = tracked.from();
      if (tracked.until().isAfter(until)) until = tracked.until();
      // A later batch brings the old last day's tail into the span, and the days in between.
      LocalDate trackedLast = day(tracked.until().minusMillis(1));
      if (batch.until().isAfter(tracked.until()) && trackedLast.isBefore(first)) {
        first = trackedLast;
      }
      LocalDate trackedFirst = day(tracked.from());
      if (batch.from().isBefore(tracked.from()) && trackedFirst.isAfter(last)) {
        last = trackedFirst;
      }
    }
    List<DayWindow> out = new ArrayList<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      Instant dayStart = d.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant dayEnd = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant f = from.isAfter(dayStart) ? from : dayStart;
      Instant u = until.isBefore(dayEnd) ? until : dayEnd;
      if (f.isBefore(u)) out.add(new DayWindow(batch.source(), batch.symbol(), f, u));
    }
    return out;
  }

  /**
   * The ledger rows of {@code windows} ({@code source, symbol, tracked_from, tracked_until}, each
   * within one UTC day), from the candles and empty answers of those days. Pure.
   *
   * <p>One aggregation: per window, the sorted minutes (epoch minutes) with a candle and those
   * answered empty; tracked, empty, missing minutes and the missing ranges are array functions
   * over those two lists (at most 1,440 each), not a row per minute.
   */
  static Dataset<Row> compute(Dataset<Row> windows, Dataset<Row> candles, Dataset<Row> gaps) {
    Dataset<Row> w = windows.select(col("source"), col("symbol"),
        expr("to_date(tracked_from)").as("day"), col("tracked_from"), col("tracked_until"),
        expr("unix_millis(tracked_from) div 60000").as("_from_m"),
        expr("unix_millis(tracked_until) div 60000").as("_until_m"));
    Column sameSymbol = expr("x.source = w.source AND x.symbol = w.symbol");
    Dataset<Row> present = candles.filter(col("interval").equalTo(ONE_MINUTE))
        .select(col("source"), col("symbol"),
            expr("unix_millis(open_time) div 60000").as("m")).as("x")
        .join(broadcast(w).as("w"), sameSymbol
            .and(expr("x.m >= w._from_m AND x.m < w._until_m")))
        .select(col("w.source"), col("w.symbol"), col("w.day"), col("x.m"),
            lit(true).as("_candle"));
    // Each answered range clipped to the window, one row per minute: few rows, since the
    // exchange answers empty only for maintenance and closed hours.
    Dataset<Row> answered = gaps.filter(col("interval").equalTo(ONE_MINUTE)).as("x")
        .join(broadcast(w).as("w"), sameSymbol.and(expr(
            "x.gap_start < w.tracked_until AND x.gap_end_exclusive > w.tracked_from")))
        .select(col("w.source"), col("w.symbol"), col("w.day"), explode(expr("sequence("
            + "greatest(unix_millis(x.gap_start) div 60000, w._from_m),"
            + " least((unix_millis(x.gap_end_exclusive) + 59999) div 60000, w._until_m) - 1)"))
            .as("m"), lit(false).as("_candle"));
    List<String> dayKey = List.of("source", "symbol", "day");
    Dataset<Row> lists = present.unionByName(answered).groupBy(scalaColumns(dayKey))
        .agg(array_sort(array_distinct(collect_list(when(col("_candle"), col("m")))))
                .as("_present"),
            array_distinct(collect_list(when(not(col("_candle")), col("m")))).as("_answered"));
    Dataset<Row> perWindow = w.join(lists, scala(dayKey), "left")
        .withColumn("_present", coalesce(col("_present"), expr("cast(array() as array<bigint>)")))
        .withColumn("_answered",
            coalesce(col("_answered"), expr("cast(array() as array<bigint>)")))
        // A candle wins over an empty answer for the same minute.
        .withColumn("_empty", expr("array_except(_answered, _present)"))
        .withColumn("_missing", expr("array_sort(array_except(sequence(_from_m, _until_m - 1),"
            + " array_union(_present, _answered)))"))
        .withColumn("_starts", expr("filter(_missing, (x, i) -> i = 0"
            + " OR get(_missing, i - 1) != x - 1)"))
        .withColumn("_ends", expr("filter(_missing, (x, i) -> i = size(_missing) - 1"
            + " OR get(_missing, i + 1) != x + 1)"));
    return perWindow.select(col("source"), col("symbol"), col("day"), col("tracked_from"),
        col("tracked_until"),
        col("_until_m").minus(col("_from_m")).as("tracked_minutes"),
        col("_until_m").minus(col("_from_m")).minus(expr("size(_empty)")).cast("long")
            .as("expected_minutes"),
        expr("size(_present)").cast("long").as("present_minutes"),
        expr("size(_empty)").cast("long").as("exchange_none_minutes"),
        expr("size(_missing)").cast("long").as("missing_minutes"),
        expr("zip_with(_starts, _ends, (s, e) -> named_struct("
            + "'start', timestamp_millis(s * 60000),"
            + " 'end_exclusive', timestamp_millis((e + 1) * 60000)))").as("missing_ranges"),
        current_timestamp().as("updated_at"));
  }

  /**
   * Notes the days a batch touched, to be recomputed by the next {@link #flush}. {@code
   * batchSpans}: per symbol, the 1m minutes the batch's accepted candles and valid empty answers
   * cover ({@link QualityCheck#countBatch}). No Spark job but, once per job, reading the spans.
   */
  void record(SparkSession spark, Lakehouse lakehouse, List<Span> batchSpans) {
    if (batchSpans.isEmpty()) return;
    if (tracked == null) tracked = readSpans(spark, lakehouse);
    for (Span b : batchSpans) {
      List<String> key = List.of(b.source(), b.symbol());
      Span old = tracked.get(key);
      for (DayWindow w : windows(b, old)) {
        pending.merge(List.of(w.source(), w.symbol(), day(w.from()).toString()), w,
            (a, c) -> new DayWindow(a.source(), a.symbol(),
                a.from().isBefore(c.from()) ? a.from() : c.from(),
                a.until().isAfter(c.until()) ? a.until() : c.until()));
      }
      tracked.put(key, old == null ? b : new Span(b.source(), b.symbol(),
          old.from().isBefore(b.from()) ? old.from() : b.from(),
          old.until().isAfter(b.until()) ? old.until() : b.until()));
    }
  }

  /** True when days are waiting for {@link #flush}. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * Recomputes the days {@link #record}ed since the last flush from the silver tables and MERGEs
   * them into the ledger.
   *
   * @return the number of (symbol, day) rows recomputed
   */
  long flush(SparkSession spark, Lakehouse lakehouse) {
    if (pending.isEmpty()) return 0;
    List<DayWindow> windows = List.copyOf(pending.values());
    String symbols = windows.stream().map(w -> "'" + w.symbol().replace("'", "''") + "'")
        .distinct().collect(Collectors.joining(", ", "(", ")"));
    Instant first = windows.stream().map(DayWindow::from).min(Instant::compareTo).orElseThrow();
    Instant last = windows.stream().map(DayWindow::until).max(Instant::compareTo).orElseThrow();
    List<Row> windowRows = windows.stream().map(d -> RowFactory.create(d.source(), d.symbol(),
        Timestamp.from(d.from()), Timestamp.from(d.until()))).toList();
    String days = "DATE'" + day(first) + "' AND DATE'" + day(last.minusMillis(1)) + "'";
    Dataset<Row> candles = spark.read().format("delta").load(lakehouse.silverCandles1m())
        .filter("open_date BETWEEN " + days + " AND symbol IN " + symbols)
        .select("source", "symbol", "interval", "open_time");
    Dataset<Row> gaps = spark.read().format("delta").load(lakehouse.silverExchangeGaps())
        .filter("symbol IN " + symbols + " AND gap_start < timestamp_millis("
            + last.toEpochMilli() + ") AND gap_end_exclusive > timestamp_millis("
            + first.toEpochMilli() + ")");
    // Collected first: a few rows per symbol and day, and a local MERGE source is not
    // materialized again by the MERGE.
    List<Row> computed =
        compute(spark.createDataFrame(windowRows, WINDOWS), candles, gaps).collectAsList();
    Dataset<Row> rows = spark.createDataFrame(computed, SilverTables.COMPLETENESS);
    DeltaTable.forPath(spark, lakehouse.silverCompleteness()).as("t")
        .merge(rows.as("s"), "t.source = s.source AND t.symbol = s.symbol AND t.day = s.day")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    pending.clear();
    return windows.size();
  }

  /** Every symbol's tracked span as the ledger has it. */
  private static Map<List<String>, Span> readSpans(SparkSession spark, Lakehouse lakehouse) {
    Map<List<String>, Span> spans = new HashMap<>();
    spark.read().format("delta").load(lakehouse.silverCompleteness())
        .groupBy("source", "symbol")
        .agg(min("tracked_from"), max("tracked_until")).collectAsList()
        .forEach(r -> spans.put(List.of(r.getString(0), r.getString(1)), span(r)));
    return spans;
  }

  private static Span span(Row r) {
    return new Span(r.getString(0), r.getString(1), r.getTimestamp(2).toInstant(),
        r.getTimestamp(3).toInstant());
  }

  static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  private static scala.collection.immutable.Seq<Column> scalaColumns(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(
        columns.stream().map(org.apache.spark.sql.functions::col).toList()).toList();
  }

  private static scala.collection.immutable.Seq<String> scala(List<String> columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(columns).toList();
  }
}
