package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Honesty checks: a model evaluated without look-ahead cannot predict a random walk, and does
 * find structure that is really there.
 */
class TrainJobTest {
  private static final int MINUTES = 12 * 1440;
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void aRandomWalkIsUnpredictable() throws Exception {
    TrainJob.TrainResult result = train(new SyntheticCandles()
        .path("AAAUSDT", MINUTES, 11, 0.001, 0, 0)
        .path("BBBUSDT", MINUTES, 12, 0.001, 0, 0));
    assertThat(result.metrics().auc()).isBetween(0.47, 0.53);
    assertThat(result.metrics().rows()).isGreaterThan(10_000);
  }

  @Test
  void plantedMomentumIsFoundAndRecorded() throws Exception {
    TrainJob.TrainResult result = train(new SyntheticCandles()
        .path("AAAUSDT", MINUTES, 21, 0.001, 0.0003, 0.995)
        .path("BBBUSDT", MINUTES, 22, 0.001, 0.0003, 0.995));
    assertThat(result.metrics().auc()).isGreaterThanOrEqualTo(0.65);
    assertThat(result.metrics().accuracy()).isGreaterThan(result.metrics().majorityAccuracy());

    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Row run = spark.read().format("delta").load(lakehouse.goldModelRuns()).first();
    assertThat(run.<Integer>getAs("model_version")).isEqualTo(1);
    assertThat(run.<Double>getAs("test_auc")).isEqualTo(result.metrics().auc());
    assertThat(run.<Integer>getAs("embargo_minutes")).isEqualTo(Features.MAX_LAG + 15);
    assertThat(spark.read().format("delta").load(lakehouse.goldPredictions())
        .filter("model_version = 1").select("symbol").distinct().count()).isEqualTo(2);
    assertThat(localFile(result.modelPath())).isDirectory();

    // Training again makes v2: a second model_runs row, and the predictions command reads v2.
    TrainJob.TrainResult second = new TrainJob(config()).run(TestSpark.context(lakehouse));
    assertThat(second.modelVersion()).isEqualTo(2);
    assertThat(spark.read().format("delta").load(lakehouse.goldModelRuns()).count()).isEqualTo(2);
    List<Predictions.LatestPrediction> latest = Predictions.latest(TestSpark.context(lakehouse));
    assertThat(latest).extracting(Predictions.LatestPrediction::symbol)
        .containsExactly("AAAUSDT", "BBBUSDT");
    assertThat(latest).allSatisfy(p -> {
      assertThat(p.modelVersion()).isEqualTo(2);
      assertThat(p.testAuc()).isEqualTo(second.metrics().auc());
      assertThat(p.direction()).isEqualTo(p.probabilityUp() > 0.5 ? "up" : "down");
      assertThat(p.asOf().getTime()).isEqualTo(SyntheticCandles.T0 + (MINUTES - 1) * 60_000L);
    });
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    Predictions.print(latest, new java.io.PrintStream(printed, true,
        java.nio.charset.StandardCharsets.UTF_8));
    String auc = String.format(java.util.Locale.ROOT, "%.3f", second.metrics().auc());
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
        .hasSize(3)
        .element(1).asString().startsWith("AAAUSDT").contains(" v2 ").endsWith(auc);
  }

  @Test
  void predictionsAreOnlyOfMinutesAfterDataToAndALaterTrainFillsInTheirOutcomes()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    TrainJob.TrainResult first = trainOnOneDay(lakehouse);

    // The last label used is the one of minute 1424 (its close 15 minutes on is minute 1439):
    // data_to is minute 1424, and only minutes 1425-1439 are predicted, 15 per symbol, not the
    // latest 60 (45 of which the model was trained on).
    long dataTo = SyntheticCandles.T0 + 1424 * 60_000L;
    assertThat(first.dataTo().toEpochMilli()).isEqualTo(dataTo);
    assertThat(runs(lakehouse).first().getTimestamp(runs(lakehouse).first()
        .fieldIndex("data_to")).getTime()).isEqualTo(dataTo);
    Dataset<Row> v1 = predictions(lakehouse).filter("model_version = 1");
    assertThat(first.predictions()).isEqualTo(30);
    assertThat(v1.count()).isEqualTo(30);
    assertThat(v1.filter("as_of <= timestamp_millis(" + dataTo + ")").count()).isZero();
    assertThat(v1.filter("actual_direction IS NOT NULL OR hit IS NOT NULL"
        + " OR outcome_at IS NOT NULL").count()).isZero();
    assertThat(first.outcomesFilled()).isZero();

    // 30 more minutes arrive: every v1 prediction's horizon (as_of + 15 <= minute 1454) has
    // passed, and the next train fills in what happened, checked here against the closes.
    writeFeatures(lakehouse, 1470);
    TrainJob.TrainResult second = trainSmall(lakehouse);

    assertThat(second.outcomesFilled()).isEqualTo(30);
    Map<String, Double> closes = new HashMap<>();
    spark.read().format("delta").load(lakehouse.goldFeatures()).collectAsList()
        .forEach(r -> closes.put(r.getAs("symbol") + "@" + r.<Timestamp>getAs("open_time")
            .getTime(), r.<Double>getAs("close")));
    List<Row> filled = predictions(lakehouse).filter("model_version = 1").collectAsList();
    assertThat(filled).hasSize(30).allSatisfy(p -> {
      long asOf = p.<Timestamp>getAs("as_of").getTime();
      double then = closes.get(p.getAs("symbol") + "@" + asOf);
      double later = closes.get(p.getAs("symbol") + "@" + (asOf + 15 * 60_000L));
      String actual = later > then ? "up" : later < then ? "down" : "flat";
      assertThat(p.<String>getAs("actual_direction")).isEqualTo(actual);
      assertThat(p.<Boolean>getAs("hit")).isEqualTo(
          actual.equals("flat") ? null : actual.equals(p.getAs("direction")));
      assertThat(p.<Timestamp>getAs("outcome_at")).isNotNull();
    });
    Predictions.HitRate v2 = Predictions.hitRate(TestSpark.context(lakehouse));
    assertThat(v2).isEqualTo(new Predictions.HitRate(2, 30, 0, 0));
    Predictions.HitRate v1Rate =
        TrendPredictions.hitRate(spark, lakehouse.goldPredictions(), 1);
    assertThat(v1Rate.withOutcome()).isEqualTo(filled.stream().filter(p -> p.getAs("hit") != null)
        .count());
    assertThat(v1Rate.hits()).isEqualTo(filled.stream()
        .filter(p -> Boolean.TRUE.equals(p.getAs("hit"))).count());
  }

  @Test
  void aTrainThatFailsWritingPredictionsLeavesNoNewVersionAndItsNumberIsNotReused()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    TrainJob.TrainResult first = trainOnOneDay(lakehouse);
    // The next train's predictions write fails: the table refuses any version above 1.
    spark.sql("ALTER TABLE delta.`" + lakehouse.goldPredictions()
        + "` ADD CONSTRAINT only_v1 CHECK (model_version = 1)");

    assertThatThrownBy(() -> trainSmall(lakehouse))
        .hasStackTraceContaining("only_v1");

    // model_runs is the commit marker: v1 is still the newest model, with its predictions.
    assertThat(runs(lakehouse).select("model_version").as(Encoders.INT()).collectAsList())
        .containsExactly(1);
    assertThat(Predictions.latest(TestSpark.context(lakehouse)))
        .extracting(Predictions.LatestPrediction::symbol, p -> p.modelVersion())
        .containsExactly(tuple("AAAUSDT", 1), tuple("BBBUSDT", 1));

    // The failed train claimed v2: the next one is v3, in a directory of its own, and v1's
    // model is untouched.
    spark.sql("ALTER TABLE delta.`" + lakehouse.goldPredictions() + "` DROP CONSTRAINT only_v1");
    TrainJob.TrainResult third = trainSmall(lakehouse);
    assertThat(third.modelVersion()).isEqualTo(3);
    assertThat(third.modelPath()).isNotEqualTo(first.modelPath());
    assertThat(localFile(first.modelPath())).isDirectory();
    assertThat(localFile(lakehouse.models()).list()).filteredOn(n -> n.startsWith("v"))
        .hasSize(3).anyMatch(n -> n.startsWith("v2-"));
    assertThat(Predictions.latest(TestSpark.context(lakehouse)))
        .allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(3));
  }

  @Test
  void twoClaimsOnOneLakehouseGetDifferentVersionsAndModelDirectories() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    // Neither claim has committed to model_runs: the old max(model_runs) + 1 gave both v1.
    ModelVersions.Claim a = ModelVersions.claim(spark, lakehouse);
    ModelVersions.Claim b = ModelVersions.claim(spark, lakehouse);
    assertThat(List.of(a.version(), b.version())).containsExactly(1, 2);
    assertThat(a.modelPath(lakehouse)).isNotEqualTo(b.modelPath(lakehouse));
    // A run with the same id cannot take a claimed number either.
    assertThat(ModelVersions.claim(spark, lakehouse, a.runId()).version()).isEqualTo(3);
  }

  private void writeFeatures(Lakehouse lakehouse, int minutes) {
    Features.compute(new SyntheticCandles()
            .path("AAAUSDT", minutes, 31, 0.001, 0, 0)
            .path("BBBUSDT", minutes, 32, 0.001, 0, 0).toDataset(spark), 15)
        .write().format("delta").mode("overwrite").save(lakehouse.goldFeatures());
  }

  private Dataset<Row> runs(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.goldModelRuns());
  }

  private Dataset<Row> predictions(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.goldPredictions());
  }

  private static java.io.File localFile(String path) {
    return new java.io.File(java.net.URI.create(path.replace("file:/", "file:///")));
  }

  /** Features of two random walks over one day, then a quick train on them. */
  private TrainJob.TrainResult trainOnOneDay(Lakehouse lakehouse) throws Exception {
    writeFeatures(lakehouse, 1440);
    return trainSmall(lakehouse);
  }

  /** A quick train: two folds, ten iterations. */
  private TrainJob.TrainResult trainSmall(Lakehouse lakehouse) throws Exception {
    return new TrainJob(TrainConfig.defaults().withFolds(2).withMaxIter(10))
        .run(TestSpark.context(lakehouse));
  }

  private TrainJob.TrainResult train(SyntheticCandles candles) throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Features.compute(candles.toDataset(spark), 15).write().format("delta")
        .save(lakehouse.goldFeatures());
    return new TrainJob(config()).run(TestSpark.context(lakehouse));
  }

  private static TrainConfig config() {
    return TrainConfig.defaults().withMaxIter(50);
  }
}
