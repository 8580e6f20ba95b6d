package io.marketlake.bench;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.BronzeSchema;
import io.marketlake.common.spark.DeltaCommits;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Does silver's cost follow the new data or the table's size? One new day of candles goes through
 * the real silver job (parse, rules, dedup, MERGE) into silver tables that already hold {@code
 * smallDays} and {@code largeDays} days of history, in alternating rounds, each round a further
 * new day. The history is written straight into the silver table (same schema, partitioning and
 * properties the job creates), one file per day as after OPTIMIZE.
 */
final class MergeScaling {
  static final long DAY_MS = 86_400_000L;
  /** History ends here; the new days follow it. 2025-06-01. */
  static final long HISTORY_END = 1748736000000L;

  private final EmbeddedStack stack;
  private final SparkSession spark;
  private final int symbols;
  private final int smallDays;
  private final int largeDays;
  private final int rounds;

  MergeScaling(EmbeddedStack stack, SparkSession spark, int symbols, int smallDays,
      int largeDays, int rounds) {
    this.stack = stack;
    this.spark = spark;
    this.symbols = symbols;
    this.smallDays = smallDays;
    this.largeDays = largeDays;
    this.rounds = rounds;
  }

  record Run(int historyDays, int round, long candles, double jobSeconds, double mergeSeconds,
      long filesInTable) {}

  Figures.Section run() throws Exception {
    Lakehouse small = prepare("bench-merge-" + smallDays, smallDays);
    Lakehouse large = prepare("bench-merge-" + largeDays, largeDays);
    // Warm-up round on each, not measured: the first silver run of a session pays class loading.
    newDay(small, smallDays, 0);
    newDay(large, largeDays, 0);
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean smallFirst = round % 2 == 1;
      for (int i = 0; i < 2; i++) {
        boolean isSmall = (i == 0) == smallFirst;
        Run r = isSmall ? newDay(small, smallDays, round) : newDay(large, largeDays, round);
        System.out.println(Figures.format("  round %d: %d days of history, %,d new candles:"
            + " silver run %.2f s, of which MERGE %.2f s", round, r.historyDays(), r.candles(),
            r.jobSeconds(), r.mergeSeconds()));
        runs.add(r);
      }
    }
    double[] smallMerges = seconds(runs, smallDays, true);
    double[] largeMerges = seconds(runs, largeDays, true);
    double[] smallJobs = seconds(runs, smallDays, false);
    double[] largeJobs = seconds(runs, largeDays, false);
    double smallMerge = Figures.median(smallMerges);
    double largeMerge = Figures.median(largeMerges);
    double smallJob = Figures.median(smallJobs);
    double largeJob = Figures.median(largeJobs);
    // Both sizes of a round ran back to back: the median of the rounds' ratios.
    double mergeRatio = Figures.median(Figures.pairedRatios(largeMerges, smallMerges));
    double jobRatio = Figures.median(Figures.pairedRatios(largeJobs, smallJobs));
    Figures.Table table = new Figures.Table("round", "history (days)", "new candles",
        "silver run (s)", "MERGE (s)", "files in silver");
    for (Run r : runs) {
      table.row(r.round(), r.historyDays(), Figures.format("%,d", r.candles()),
          Figures.format("%.2f", r.jobSeconds()), Figures.format("%.2f", r.mergeSeconds()),
          r.filesInTable());
    }
    return new Figures.Section("Silver MERGE of one new day: cost against table size",
        "bench/run.sh --only merge",
        List.of(Figures.format("one new day of %d symbols (%,d candles) into silver holding %d"
                + " days (%,d rows) and %d days (%,d rows), %d rounds each", symbols,
                symbols * 1440, smallDays, (long) smallDays * 1440 * symbols, largeDays,
                (long) largeDays * 1440 * symbols, rounds),
            Figures.format("medians: MERGE %.2f s vs %.2f s, whole silver run %.2f s vs %.2f s",
                smallMerge, largeMerge, smallJob, largeJob),
            Figures.format("**time ratio %d days / %d days: MERGE %.2f, silver run %.2f**"
                + " (medians of the rounds' ratios; target ≤ 1.3: %s)", largeDays, smallDays,
                mergeRatio, jobRatio,
                Math.max(mergeRatio, jobRatio) <= 1.3 ? "met" : "missed")),
        table.markdown());
  }

  private static double[] seconds(List<Run> runs, int days, boolean merge) {
    return runs.stream().filter(r -> r.historyDays() == days)
        .mapToDouble(r -> merge ? r.mergeSeconds() : r.jobSeconds()).toArray();
  }

  /** A lakehouse whose silver holds {@code days} days of candles and whose bronze is empty. */
  private Lakehouse prepare(String name, int days) throws Exception {
    Lakehouse lakehouse = stack.uniqueLakehouse(name);
    spark.createDataFrame(List.of(), BronzeSchema.TABLE).write().format("delta")
        .partitionBy("ingest_date").save(lakehouse.bronzeCandlesRaw());
    silverJob().run(context(lakehouse));   // creates the silver tables as the job always does
    long started = System.nanoTime();
    long from = HISTORY_END - days * DAY_MS;
    candles(from, days * 1440L).selectExpr(
            "symbol", "'1m' AS interval", "timestamp_millis(open_ms) AS open_time",
            "timestamp_millis(open_ms + 59999) AS close_time", "open", "high", "low", "close",
            "volume", "quote_volume", "trades", "taker_buy_volume", "taker_buy_quote_volume",
            "'binance' AS source", "timestamp_millis(open_ms + 60500) AS fetched_at",
            "'marketlake.market-data' AS kafka_topic", "0 AS kafka_partition",
            "id AS kafka_offset", "timestamp_millis(open_ms + 61000) AS ingest_time",
            "CAST(NULL AS STRING) AS _rescued_data",
            "timestamp_millis(open_ms + 62000) AS silver_updated_at",
            "to_date(timestamp_millis(open_ms)) AS open_date")
        .repartition(org.apache.spark.sql.functions.col("open_date"))
        .write().format("delta").mode("append").save(lakehouse.silverCandles1m());
    System.out.println(Figures.format("  silver with %d days of history written in %.0f s", days,
        (System.nanoTime() - started) / 1e9));
    // The history went into silver behind the ledger's back: the next silver run catches the
    // ledger up from silver's change feed, as a restarted silver does. Untimed, so that the
    // rounds measure one new day, not the catch-up of the whole history.
    silverJob().run(context(lakehouse));
    return lakehouse;
  }

  /** Appends the {@code round}-th new day to bronze and runs silver on it. */
  private Run newDay(Lakehouse lakehouse, int historyDays, int round) throws Exception {
    long from = HISTORY_END + round * DAY_MS;
    long offsetBase = 1_000_000_000L * (round + 1);
    candles(from, 1440).selectExpr(
            "symbol AS key",
            "to_json(named_struct('schema_version', 1, 'kind', 'candle', 'source', 'binance',"
                + " 'symbol', symbol, 'interval', '1m', 'open_time', open_ms, 'close_time',"
                + " open_ms + 59999, 'open', open, 'high', high, 'low', low, 'close', close,"
                + " 'volume', volume, 'quote_volume', quote_volume, 'trades', trades,"
                + " 'taker_buy_volume', taker_buy_volume, 'taker_buy_quote_volume',"
                + " taker_buy_quote_volume, 'fetched_at', open_ms + 60500)) AS value",
            "'marketlake.market-data' AS topic", "0 AS partition",
            "id + " + offsetBase + " AS offset",
            "timestamp_millis(open_ms + 60500) AS kafka_timestamp",
            "array(named_struct('key', 'source', 'value', 'binance')) AS headers",
            "timestamp_millis(open_ms + 61000) AS ingest_time",
            "to_date(timestamp_millis(open_ms + 61000)) AS ingest_date")
        .coalesce(1)
        .write().format("delta").mode("append").save(lakehouse.bronzeCandlesRaw());
    long started = System.nanoTime();
    SilverJob.SilverResult result = silverJob().run(context(lakehouse));
    double jobSeconds = (System.nanoTime() - started) / 1e9;
    if (result.candlesInserted() != symbols * 1440L) {
      throw new IllegalStateException("silver inserted " + result.candlesInserted()
          + " candles, expected " + symbols * 1440);
    }
    Row merge = DeltaTable.forPath(spark, lakehouse.silverCandles1m()).history()
        .filter("operation = 'MERGE'").orderBy(org.apache.spark.sql.functions.col("version")
            .desc()).first();
    double mergeSeconds = DeltaCommits.metric(merge, "executionTimeMs") / 1000.0;
    long files = DeltaTable.forPath(spark, lakehouse.silverCandles1m()).detail().first()
        .<Long>getAs("numFiles");
    return new Run(historyDays, round, result.candlesInserted(), jobSeconds, mergeSeconds, files);
  }

  /** {@code minutes} seeded random 1m candles per symbol from {@code fromMs}; columns as silver. */
  private Dataset<Row> candles(long fromMs, long minutes) {
    return spark.range(minutes * symbols).selectExpr("id",
            "concat('SYM', CAST(id % " + symbols + " AS STRING), 'USDT') AS symbol",
            fromMs + " + (id DIV " + symbols + ") * 60000 AS open_ms",
            "100 + rand(7) AS p", "rand(8) AS r1", "rand(9) AS r2", "rand(10) AS r3")
        .selectExpr("id", "symbol", "open_ms",
            "CAST(p AS DECIMAL(24, 8)) AS open",
            "CAST(p + 0.5 + r1 AS DECIMAL(24, 8)) AS high",
            "CAST(p - 0.5 - r2 AS DECIMAL(24, 8)) AS low",
            "CAST(p + r3 - 0.5 AS DECIMAL(24, 8)) AS close",
            "CAST(1000 * r1 AS DECIMAL(24, 8)) AS volume",
            "CAST(100000 * r1 AS DECIMAL(24, 8)) AS quote_volume",
            "CAST(5000 * r2 AS BIGINT) AS trades",
            "CAST(500 * r1 AS DECIMAL(24, 8)) AS taker_buy_volume",
            "CAST(50000 * r1 AS DECIMAL(24, 8)) AS taker_buy_quote_volume");
  }

  private static SilverJob silverJob() {
    return new SilverJob(SilverConfig.defaults());
  }

  private LayerContext context(Lakehouse lakehouse) {
    return LayerContext.of(spark, lakehouse, stack.endpoints().s3());
  }
}
