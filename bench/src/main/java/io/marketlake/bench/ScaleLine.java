package io.marketlake.bench;

import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Does the cost of bronze and silver grow linearly with the work? The same days of seeded 1m
 * candles for a growing number of symbols (by default 1, 10 and 100 symbols × 30 days: 43,200 to
 * 4,320,000 candles) go through the real bronze job (Kafka → Delta, available-now) and the real
 * silver job (parse, quality rules, dedup, MERGE, ledger) on fresh tables, each next to the
 * plainest Spark job doing the same I/O in the same session: Kafka → Parquet with bronze's column
 * transform, and bronze → silver's parse and dedup → Parquet partitioned by day. Within a size the
 * order of the real and the bare job alternates; an unmeasured warm-up of the smallest size at one
 * day comes first.
 */
final class ScaleLine {
  /** Growth exponents up to this count as linear: ±20% drift over a tenfold step is ±0.08. */
  static final double LINEAR = 1.1;

  private final EmbeddedStack stack;
  private final SparkSession spark;
  private final List<Integer> symbolCounts;
  private final int days;

  ScaleLine(EmbeddedStack stack, SparkSession spark, List<Integer> symbolCounts, int days) {
    this.stack = stack;
    this.spark = spark;
    this.symbolCounts = List.copyOf(symbolCounts);
    this.days = days;
  }

  /** One timed job: a layer or its bare counterpart on one size. */
  record Run(int symbols, String job, long rows, double seconds) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /**
   * How a job's time grows with its rows between two sizes: t ∝ rows^e, so 1 is linear, below 1
   * better (fixed costs spread over more rows), 2 quadratic.
   */
  static double growthExponent(long rowsA, double secondsA, long rowsB, double secondsB) {
    return Math.log(secondsB / secondsA) / Math.log((double) rowsB / rowsA);
  }

  /** A layer's job and the bare Spark job it is set next to. */
  record Pair(String real, String bare) {}

  /** Bronze, then silver, as the tables list them. */
  static final Pair BRONZE = new Pair("bronze", "bare Kafka → Parquet");
  static final Pair SILVER = new Pair("silver", "bare parse + dedup → Parquet");
  static final List<Pair> PAIRS = List.of(BRONZE, SILVER);

  Figures.Section run() throws Exception {
    measure(symbolCounts.get(0), 1, 0);   // warm-up: JIT, connector, Delta, S3A; not kept
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < symbolCounts.size(); i++) {
      runs.addAll(measure(symbolCounts.get(i), days, i + 1));
    }

    Figures.Table perSize = new Figures.Table("symbols", "candles", "job", "seconds", "rows/s",
        "real / bare (rows/s)");
    for (int n : symbolCounts) {
      for (Pair pair : PAIRS) {
        Run real = find(runs, n, pair.real());
        Run bare = find(runs, n, pair.bare());
        for (Run r : List.of(real, bare)) {
          perSize.row(n, Figures.format("%,d", r.rows()), r.job(),
              Figures.format("%.1f", r.seconds()), Figures.format("%,.0f", r.rowsPerSecond()),
              r == bare ? "" : Figures.format("%.2f", r.rowsPerSecond() / bare.rowsPerSecond()));
        }
      }
    }

    List<String> steps = new ArrayList<>();
    for (int i = 1; i < symbolCounts.size(); i++) {
      steps.add(symbolCounts.get(i - 1) + " → " + symbolCounts.get(i) + " symbols");
    }
    List<String> header = new ArrayList<>(List.of("job"));
    header.addAll(steps);
    Figures.Table growth = new Figures.Table(header.toArray(String[]::new));
    List<String> headlines = new ArrayList<>();
    headlines.add(Figures.format("%d days of 1m candles for %s symbols (%s candles), each size"
        + " on fresh tables; one run per job and size", days, join(symbolCounts),
        symbolCounts.stream().map(n -> Figures.format("%,d", (long) n * days * 1440))
            .collect(java.util.stream.Collectors.joining(", "))));
    int largestCount = symbolCounts.get(symbolCounts.size() - 1);
    for (Pair pair : PAIRS) {
      double last = Double.NaN;
      for (String job : List.of(pair.real(), pair.bare())) {
        List<Object> cells = new ArrayList<>(List.of(job));
        for (int i = 1; i < symbolCounts.size(); i++) {
          Run a = find(runs, symbolCounts.get(i - 1), job);
          Run b = find(runs, symbolCounts.get(i), job);
          double e = growthExponent(a.rows(), a.seconds(), b.rows(), b.seconds());
          if (job.equals(pair.real())) last = e;
          cells.add(Figures.format("%.2f", e));
        }
        growth.row(cells.toArray());
      }
      if (symbolCounts.size() > 1) {
        Run largest = find(runs, largestCount, pair.real());
        Run bare = find(runs, largestCount, pair.bare());
        headlines.add(Figures.format("**%s: time grows as rows^%.2f between the two largest"
                + " sizes** (target: linear or better, ≤ %.1f: %s); at %d symbols %,.0f rows/s,"
                + " %.2f of bare Spark's %,.0f", pair.real(), last, LINEAR,
            last <= LINEAR ? "met" : "missed", largestCount, largest.rowsPerSecond(),
            largest.rowsPerSecond() / bare.rowsPerSecond(), bare.rowsPerSecond()));
      }
    }
    return new Figures.Section(Figures.format("Scale line: bronze and silver from %d to %d"
            + " symbols", symbolCounts.get(0), largestCount),
        "bench/run.sh --only scale",
        headlines,
        perSize.markdown() + "\nGrowth exponent e of each job's time with its rows (t ∝ rows^e;"
            + " 1 = linear, below 1 = fixed costs spreading out):\n\n" + growth.markdown());
  }

  private List<Run> measure(int symbols, int days, int order) throws Exception {
    long candles = (long) symbols * days * 1440;
    String bootstrap = stack.endpoints().kafkaBootstrap();
    String topic = stack.uniqueTopic("bench-scale-" + symbols);
    long produceStarted = System.nanoTime();
    SyntheticCandles.produce(bootstrap, topic, symbols, candles);
    if (order > 0) {
      System.out.println(Figures.format("  %d symbols: %,d candles published in %.1f s", symbols,
          candles, (System.nanoTime() - produceStarted) / 1e9));
    }
    Lakehouse lakehouse = stack.uniqueLakehouse("bench-scale-" + symbols);
    String bare = stack.uniqueLakehouse("bench-scale-bare-" + symbols).root();
    LayerContext ctx = LayerContext.of(spark, lakehouse, stack.endpoints().s3());
    // Alternating which of each pair runs first, so neither always finds the other's warm pages.
    boolean realFirst = order % 2 == 1;
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      if ((i == 0) == realFirst) {
        long started = System.nanoTime();
        long rows = new BronzeJob(BronzeConfig.defaults(bootstrap).withTopic(topic)).run(ctx)
            .rowsWritten();
        runs.add(new Run(symbols, BRONZE.real(), rows, (System.nanoTime() - started) / 1e9));
      } else {
        long started = System.nanoTime();
        long rows = BronzeThroughput.bareKafkaToParquet(spark, bootstrap, topic, bare + "/bronze");
        runs.add(new Run(symbols, BRONZE.bare(), rows, (System.nanoTime() - started) / 1e9));
      }
    }
    for (int i = 0; i < 2; i++) {
      if ((i == 0) == realFirst) {
        long started = System.nanoTime();
        long rows = new SilverJob(SilverConfig.defaults()).run(ctx).candlesInserted();
        runs.add(new Run(symbols, SILVER.real(), rows, (System.nanoTime() - started) / 1e9));
      } else {
        String out = bare + "/silver";
        long started = System.nanoTime();
        SilverJob.parsedAndDeduplicated(spark.read().format("delta")
                .load(lakehouse.bronzeCandlesRaw()))
            .write().mode("overwrite").partitionBy("open_date").parquet(out);
        double seconds = (System.nanoTime() - started) / 1e9;
        runs.add(new Run(symbols, SILVER.bare(), spark.read().parquet(out).count(), seconds));
      }
    }
    for (Run r : runs) {
      if (r.rows() != candles) {
        throw new IllegalStateException(Figures.format("%s at %d symbols wrote %,d rows, not the"
            + " %,d candles published", r.job(), symbols, r.rows(), candles));
      }
      if (order > 0) {
        System.out.println(Figures.format("  %d symbols: %-30s %,d rows in %.1f s: %,.0f rows/s",
            symbols, r.job(), r.rows(), r.seconds(), r.rowsPerSecond()));
      }
    }
    return runs;
  }

  private static Run find(List<Run> runs, int symbols, String job) {
    return runs.stream().filter(r -> r.symbols() == symbols && r.job().equals(job)).findFirst()
        .orElseThrow();
  }

  private static String join(List<Integer> counts) {
    return counts.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
  }
}
