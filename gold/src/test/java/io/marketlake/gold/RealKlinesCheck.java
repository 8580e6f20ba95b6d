package io.marketlake.gold;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The model on real Binance 1m klines (public dump CSVs, e.g. {@code SYMBOL-1m-2026-02.csv}):
 * loads them as silver candles, computes the features and runs the same walk-forward training as
 * {@code train}, then prints the metrics next to both baselines. Not a test: the data is not
 * shipped with the project.
 *
 * <pre>java -cp ... io.marketlake.gold.RealKlinesCheck DIR [horizonMinutes] [folds] [report.html]</pre>
 *
 * <p>With a fourth argument it also writes the 1h rollups and daily change of the klines and the
 * HTML report of the result (how {@code docs/report.png} was made).
 */
public final class RealKlinesCheck {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/klines");
    int horizon = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int folds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path report = args.length > 3 ? Path.of(args[3]) : null;
    String[] files;
    try (var listing = Files.list(dir)) {
      files = listing.map(Path::toString).filter(f -> f.matches(".*[A-Z0-9]+-1m-.*\\.csv"))
          .sorted().toArray(String[]::new);
    }
    if (files.length == 0) {
      throw new IllegalArgumentException("No SYMBOL-1m-*.csv kline dumps in " + dir);
    }
    SparkSession spark = TestSpark.get();
    Dataset<Row> raw = spark.read().option("header", "true").csv(files)
        .withColumn("file", org.apache.spark.sql.functions.input_file_name());
    Dataset<Row> candles = raw.selectExpr(
        "regexp_extract(file, '([A-Z0-9]+)-1m-', 1) AS symbol",
        "'1m' AS interval",
        "timestamp_millis(cast(open_time AS BIGINT)) AS open_time",
        "cast(open AS DECIMAL(24,8)) AS open", "cast(high AS DECIMAL(24,8)) AS high",
        "cast(low AS DECIMAL(24,8)) AS low", "cast(close AS DECIMAL(24,8)) AS close",
        "cast(volume AS DECIMAL(24,8)) AS volume",
        "cast(quote_volume AS DECIMAL(24,8)) AS quote_volume",
        "cast(count AS BIGINT) AS trades");
    Path work = Files.createTempDirectory("real-klines");
    Lakehouse lakehouse = new Lakehouse(work.toUri().toString());
    Features.compute(candles, horizon).write().format("delta").save(lakehouse.goldFeatures());
    TrainJob.TrainResult r = new TrainJob(TrainConfig.defaults().withFolds(folds))
        .run(TestSpark.context(lakehouse));
    ModelEvaluation m = r.metrics();
    System.out.printf(Locale.ROOT, "real klines %s: %d candles, horizon %dm, %d walk-forward"
            + " folds, %d test rows (up %.3f)%n", dir, candles.count(), horizon, folds, m.rows(),
        m.upFraction());
    System.out.printf(Locale.ROOT, "  test AUC %.4f | accuracy %.4f | balanced accuracy %.4f%n",
        m.auc(), m.accuracy(), m.balancedAccuracy());
    System.out.printf(Locale.ROOT, "  baselines: majority class %.4f | same as last move %.4f%n",
        m.majorityAccuracy(), m.lastMoveAccuracy());
    if (report != null) {
      Rollups.rollup(candles, RollupWindow.ONE_HOUR).write().format("delta")
          .save(lakehouse.goldCandles("1h"));
      DailyChange.compute(candles).write().format("delta").save(lakehouse.goldDailyChange());
      java.nio.file.Files.writeString(report, ReportQuery.html(ReportQuery.read(
          TestSpark.context(lakehouse), "1h", 7)));
      System.out.println("  report: " + report.toAbsolutePath());
    }
  }

  private RealKlinesCheck() {}
}
