package io.marketlake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

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
 * <p>Kept up to date from the batches, not recomputed from silver. Each batch {@link #record}s
 * the minutes its accepted 1m candles and valid empty answers cover; the ledger keeps, per symbol
 * and day it touched, the set of present and answered minutes, and a {@link #flush} MERGEs the
 * rows of the days touched since the last one. Silver is read only for a day that already has
 * ledger rows from an earlier job (its minutes before this job), and after a crash: each row
 * carries the version of {@code silver/candles_1m} its flush saw ({@code silver_version}), and
 * when {@link #open} finds silver newer than that, the change feed of the commits since names the
 * days the lost flush would have written, and those are read again. Silver is the ledger's only
 * writer, under its lease.
 */
final class CompletenessLedger {
  static final String ONE_MINUTE = "1m";
  private static final int MINUTES_PER_DAY = 1440;

  /** Reading the ledger, started by {@link #open}; the maps below are ready once it is done. */
  private CompletableFuture<Void> opening;
  /** Tracked span per (source, symbol). */
  private Map<List<String>, Span> tracked = new HashMap<>();
  /** Per (source, symbol, day), the part of the day to write at the next flush. */
  private final Map<List<String>, DayWindow> pending = new HashMap<>();
  /** Per (source, symbol, day), its minutes as known to this job. */
  private final Map<List<String>, DayMinutes> minutes = new HashMap<>();

  /** A symbol's range of known minutes, {@code [from, until)}. */
  record Span(String source, String symbol, Instant from, Instant until) {}

  /** The part of one UTC day the ledger row of a symbol covers, {@code [from, until)}. */
  record DayWindow(String source, String symbol, Instant from, Instant until) {}

  /**
   * A batch's 1m minutes of one symbol ({@link QualityCheck#countBatch}): the open minutes of its
   * accepted candles and the {@code [start, end)} minute ranges the exchange answered as empty,
   * all as minutes since the epoch.
   */
  record SymbolMinutes(String source, String symbol, long[] candles, long[][] answered) {
    /** The minutes covered, or null when there are none. */
    Span span() {
      long from = Long.MAX_VALUE;
      long until = Long.MIN_VALUE;
      for (long m : candles) {
        from = Math.min(from, m);
        until = Math.max(until, m + 1);
      }
      for (long[] range : answered) {
        if (range[1] <= range[0]) continue;
        from = Math.min(from, range[0]);
        until = Math.max(until, range[1]);
      }
      return from >= until ? null
          : new Span(source, symbol, minuteInstant(from), minuteInstant(until));
    }
  }

  /**
   * One symbol's minutes of one UTC day (index: minute of the day) with a candle and answered
   * empty. {@code unread}: silver may hold minutes of it this job has not seen, to be read before
   * the next flush writes its row.
   */
  static final class DayMinutes {
    final BitSet present = new BitSet(MINUTES_PER_DAY);
    final BitSet answered = new BitSet(MINUTES_PER_DAY);
    boolean unread;

    DayMinutes(boolean unread) {
      this.unread = unread;
    }
  }

  /**
   * The day windows whose rows change after a batch covering {@code batch}, given the symbol's span
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
   * The ledger row of {@code window} from the day's minutes. Pure.
   *
   * @param silverVersion the version of {@code silver/candles_1m} the minutes reflect
   */
  static Row row(DayWindow window, DayMinutes day, long silverVersion, Timestamp updatedAt) {
    LocalDate date = day(window.from());
    long dayStart = dayStartMinute(date);
    int from = (int) (epochMinute(window.from()) - dayStart);
    int until = (int) (epochMinute(window.until()) - dayStart);
    long present = 0;
    long exchangeNone = 0;
    long missing = 0;
    List<Row> ranges = new ArrayList<>();
    int rangeStart = -1;
    for (int m = from; m <= until; m++) {
      boolean isMissing = false;
      if (m < until) {
        boolean hasCandle = day.present.get(m);
        boolean answeredEmpty = day.answered.get(m);
        // A candle wins over an empty answer for the same minute.
        if (hasCandle) present++;
        else if (answeredEmpty) exchangeNone++;
        else isMissing = true;
      }
      if (isMissing) {
        missing++;
        if (rangeStart < 0) rangeStart = m;
      } else if (rangeStart >= 0) {
        ranges.add(RowFactory.create(minuteTimestamp(dayStart + rangeStart),
            minuteTimestamp(dayStart + m)));
        rangeStart = -1;
      }
    }
    long trackedMinutes = until - from;
    return RowFactory.create(window.source(), window.symbol(), Date.valueOf(date),
        Timestamp.from(window.from()), Timestamp.from(window.until()), trackedMinutes,
        trackedMinutes - exchangeNone, present, exchangeNone, missing, ranges, updatedAt,
        silverVersion);
  }

  /**
   * Opens the ledger before silver's first batch. Silver's version is read now; the ledger in
   * the background while the query starts ({@link #record} and {@link #flush} wait for it): every
   * symbol's tracked span, and its last day's minutes, the day a new batch most likely extends.
   * When silver has commits the ledger has not seen (a job stopped between a batch and its
   * flush), the days those commits changed are read from silver and written at the next flush.
   */
  void open(SparkSession spark, Lakehouse lakehouse) {
    long silverVersion = silverVersion(spark, lakehouse);
    opening = CompletableFuture.runAsync(() -> load(spark, lakehouse, silverVersion), task -> {
      Thread thread = new Thread(task, "completeness-ledger-open");
      thread.setDaemon(true);
      thread.start();
    });
  }

  private void load(SparkSession spark, Lakehouse lakehouse, long silverVersion) {
    Map<List<String>, Span> spans = new HashMap<>();
    Long ledgerVersion = null;
    for (Row r : spark.read().format("delta").load(lakehouse.silverCompleteness())
        .groupBy("source", "symbol")
        .agg(min("tracked_from"), max("tracked_until"), max("silver_version"),
            max_by(struct(col("day"), col("tracked_from"), col("tracked_until"),
                col("exchange_none_minutes"), col("missing_ranges")), col("day")))
        .collectAsList()) {
      spans.put(List.of(r.getString(0), r.getString(1)), new Span(r.getString(0),
          r.getString(1), r.getTimestamp(2).toInstant(), r.getTimestamp(3).toInstant()));
      if (!r.isNullAt(4) && (ledgerVersion == null || r.getLong(4) > ledgerVersion)) {
        ledgerVersion = r.getLong(4);
      }
      // Without empty answers, the last day's present minutes are its tracked ones not missing:
      // a batch that extends it needs no read of silver.
      Row last = r.getStruct(5);
      if (last.getLong(3) == 0) {
        LocalDate date = last.getDate(0).toLocalDate();
        long dayStart = dayStartMinute(date);
        DayMinutes day = new DayMinutes(false);
        day.present.set((int) (epochMinute(last.getTimestamp(1).toInstant()) - dayStart),
            (int) (epochMinute(last.getTimestamp(2).toInstant()) - dayStart));
        for (Row missing : last.<Row>getList(4)) {
          day.present.clear((int) (epochMinute(missing.getTimestamp(0).toInstant()) - dayStart),
              (int) (epochMinute(missing.getTimestamp(1).toInstant()) - dayStart));
        }
        minutes.put(dayKey(r.getString(0), r.getString(1), date), day);
      }
    }
    tracked = spans;
    // Version 0 is the table's creation: an empty silver needs no ledger.
    long unseenFrom = ledgerVersion == null ? 0 : ledgerVersion + 1;
    if (silverVersion >= unseenFrom && silverVersion > 0) {
      catchUp(spark, lakehouse, unseenFrom, silverVersion);
    }
  }

  private void awaitOpen() {
    if (opening == null) throw new IllegalStateException("open() the ledger first");
    try {
      opening.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
  }

  /** Reads again the days silver's commits {@code [from, to]} changed, and records them. */
  private void catchUp(SparkSession spark, Lakehouse lakehouse, long from, long to) {
    String candles = lakehouse.silverCandles1m();
    List<Row> changed;
    try {
      changed = minuteDays(spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", from).option("endingVersion", to).load(candles));
    } catch (Exception e) {
      // The change feed of those commits is gone (vacuumed or older than its retention).
      System.err.println("warning: completeness ledger: silver/candles_1m versions " + from
          + ".." + to + " have no change feed (" + String.valueOf(e.getMessage()).lines()
          .findFirst().orElse("") + "); reading every day of it");
      changed = minuteDays(spark.read().format("delta").load(candles));
    }
    if (changed.isEmpty()) return;
    List<List<String>> days = changed.stream()
        .map(r -> dayKey(r.getString(0), r.getString(1), r.getDate(2).toLocalDate())).toList();
    System.err.println("completeness ledger: catching up " + days.size() + " symbol-day(s)"
        + " that silver/candles_1m versions " + from + ".." + to + " changed after its last"
        + " flush");
    Map<List<String>, DayMinutes> read = read(spark, lakehouse, days);
    minutes.putAll(read);
    read.forEach((key, day) -> apply(toSymbolMinutes(key, day)));
  }

  /** The distinct (source, symbol, open_date) of the 1m candles in {@code candles}. */
  private static List<Row> minuteDays(Dataset<Row> candles) {
    return candles.filter(col("interval").equalTo(ONE_MINUTE))
        .select("source", "symbol", "open_date").distinct().collectAsList();
  }

  /**
   * Notes a batch's minutes: the rows of the days it touched (and of the days its minutes bring
   * into a symbol's span) are written by the next {@link #flush}. No Spark job.
   */
  void record(List<SymbolMinutes> batch) {
    awaitOpen();
    batch.forEach(this::apply);
  }

  private void apply(SymbolMinutes batch) {
    Span span = batch.span();
    if (span == null) return;
    List<String> symbol = List.of(batch.source(), batch.symbol());
    Span old = tracked.get(symbol);
    for (DayWindow w : windows(span, old)) {
      LocalDate date = day(w.from());
      List<String> key = dayKey(w.source(), w.symbol(), date);
      pending.merge(key, w, (a, c) -> new DayWindow(a.source(), a.symbol(),
          a.from().isBefore(c.from()) ? a.from() : c.from(),
          a.until().isAfter(c.until()) ? a.until() : c.until()));
      // A day inside the span the ledger already had may hold minutes of earlier jobs.
      minutes.computeIfAbsent(key, k -> new DayMinutes(old != null && overlaps(old, date)));
    }
    tracked.put(symbol, old == null ? span : new Span(span.source(), span.symbol(),
        old.from().isBefore(span.from()) ? old.from() : span.from(),
        old.until().isAfter(span.until()) ? old.until() : span.until()));
    for (long m : batch.candles()) {
      minutes.get(dayKey(batch.source(), batch.symbol(), minuteDay(m))).present
          .set(minuteOfDay(m));
    }
    for (long[] range : batch.answered()) {
      for (long m = range[0]; m < range[1]; m++) {
        minutes.get(dayKey(batch.source(), batch.symbol(), minuteDay(m))).answered
            .set(minuteOfDay(m));
      }
    }
  }

  /**
   * Writes the rows of the days {@link #record}ed since the last flush: one MERGE of rows built
   * here, after one read of silver for the touched days earlier jobs wrote, if any.
   *
   * @return the number of (symbol, day) rows written
   */
  long flush(SparkSession spark, Lakehouse lakehouse) {
    awaitOpen();
    if (pending.isEmpty()) return 0;
    List<List<String>> unread = pending.keySet().stream()
        .filter(k -> minutes.get(k).unread).toList();
    if (!unread.isEmpty()) {
      read(spark, lakehouse, unread).forEach((key, fromSilver) -> {
        DayMinutes day = minutes.get(key);
        day.present.or(fromSilver.present);
        day.answered.or(fromSilver.answered);
        day.unread = false;
      });
    }
    long silverVersion = silverVersion(spark, lakehouse);
    Timestamp now = new Timestamp(System.currentTimeMillis());
    List<Row> rows = pending.entrySet().stream()
        .map(e -> row(e.getValue(), minutes.get(e.getKey()), silverVersion, now)).toList();
    DeltaTable.forPath(spark, lakehouse.silverCompleteness()).as("t")
        .merge(spark.createDataFrame(rows, SilverTables.COMPLETENESS).as("s"),
            "t.source = s.source AND t.symbol = s.symbol AND t.day = s.day")
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    pending.clear();
    // Only each symbol's last day is likely to be touched again; the rest is read again if it is.
    minutes.keySet().removeIf(k -> {
      Span span = tracked.get(k.subList(0, 2));
      return !day(span.until().minusMillis(1)).toString().equals(k.get(2));
    });
    return rows.size();
  }

  /**
   * The minutes silver has for {@code days} ((source, symbol, day) keys): 1m candles from {@code
   * candles_1m}, answered minutes from {@code exchange_gaps}. One read of each.
   */
  private static Map<List<String>, DayMinutes> read(SparkSession spark, Lakehouse lakehouse,
      Collection<List<String>> days) {
    Map<List<String>, DayMinutes> out = new HashMap<>();
    days.forEach(k -> out.put(k, new DayMinutes(false)));
    String symbols = days.stream().map(k -> quote(k.get(1))).distinct()
        .collect(Collectors.joining(", ", "(", ")"));
    String dates = days.stream().map(k -> "DATE" + quote(k.get(2))).distinct()
        .collect(Collectors.joining(", ", "(", ")"));
    for (Row r : spark.read().format("delta").load(lakehouse.silverCandles1m())
        .filter("open_date IN " + dates + " AND symbol IN " + symbols + " AND interval = '"
            + ONE_MINUTE + "'")
        .groupBy("source", "symbol", "open_date")
        .agg(collect_list(expr("unix_millis(open_time) div 60000")))
        .collectAsList()) {
      DayMinutes day = out.get(dayKey(r.getString(0), r.getString(1), r.getDate(2).toLocalDate()));
      if (day == null) continue;
      for (Long m : r.<Long>getList(3)) day.present.set(minuteOfDay(m));
    }
    LocalDate first = days.stream().map(k -> LocalDate.parse(k.get(2)))
        .min(LocalDate::compareTo).orElseThrow();
    LocalDate last = days.stream().map(k -> LocalDate.parse(k.get(2)))
        .max(LocalDate::compareTo).orElseThrow();
    for (Row r : spark.read().format("delta").load(lakehouse.silverExchangeGaps())
        .filter("interval = '" + ONE_MINUTE + "' AND symbol IN " + symbols
            + " AND gap_start < TIMESTAMP" + quote(last.plusDays(1) + " 00:00:00Z")
            + " AND gap_end_exclusive > TIMESTAMP" + quote(first + " 00:00:00Z"))
        .select(col("source"), col("symbol"), expr("unix_millis(gap_start) div 60000"),
            expr("(unix_millis(gap_end_exclusive) + 59999) div 60000"))
        .collectAsList()) {
      for (long m = r.getLong(2); m < r.getLong(3); m++) {
        DayMinutes day = out.get(dayKey(r.getString(0), r.getString(1), minuteDay(m)));
        if (day != null) day.answered.set(minuteOfDay(m));
      }
    }
    return out;
  }

  private static SymbolMinutes toSymbolMinutes(List<String> key, DayMinutes day) {
    long dayStart = dayStartMinute(LocalDate.parse(key.get(2)));
    long[] candles = day.present.stream().mapToLong(i -> dayStart + i).toArray();
    long[][] answered = day.answered.stream().mapToObj(i -> new long[] {dayStart + i,
        dayStart + i + 1}).toArray(long[][]::new);
    return new SymbolMinutes(key.get(0), key.get(1), candles, answered);
  }

  /** The current version of {@code silver/candles_1m}. */
  private static long silverVersion(SparkSession spark, Lakehouse lakehouse) {
    return DeltaTable.forPath(spark, lakehouse.silverCandles1m()).history(1)
        .select("version").first().getLong(0);
  }

  private static boolean overlaps(Span span, LocalDate date) {
    Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return span.from().isBefore(end) && span.until().isAfter(start);
  }

  private static List<String> dayKey(String source, String symbol, LocalDate day) {
    return List.of(source, symbol, day.toString());
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static long epochMinute(Instant t) {
    return Math.floorDiv(t.toEpochMilli(), 60_000L);
  }

  /** The day's first minute, in minutes since the epoch. */
  private static long dayStartMinute(LocalDate day) {
    return day.toEpochDay() * MINUTES_PER_DAY;
  }

  private static Instant minuteInstant(long epochMinute) {
    return Instant.ofEpochMilli(epochMinute * 60_000L);
  }

  private static Timestamp minuteTimestamp(long epochMinute) {
    return new Timestamp(epochMinute * 60_000L);
  }

  private static LocalDate minuteDay(long epochMinute) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochMinute, MINUTES_PER_DAY));
  }

  private static int minuteOfDay(long epochMinute) {
    return (int) Math.floorMod(epochMinute, MINUTES_PER_DAY);
  }

  static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
