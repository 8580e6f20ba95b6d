package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import java.util.List;
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
    assertThat(new java.io.File(java.net.URI.create(
        lakehouse.models().replace("file:/", "file:///") + "/v1"))).isDirectory();

    // Training again makes v2: a second model_runs row, and the predictions command reads v2.
    TrainJob.TrainResult second = new TrainJob(config(lakehouse)).run(spark);
    assertThat(second.modelVersion()).isEqualTo(2);
    assertThat(spark.read().format("delta").load(lakehouse.goldModelRuns()).count()).isEqualTo(2);
    List<PredictionsCommand.LatestPrediction> latest = PredictionsCommand.latest(spark, lakehouse);
    assertThat(latest).extracting(PredictionsCommand.LatestPrediction::symbol)
        .containsExactly("AAAUSDT", "BBBUSDT");
    assertThat(latest).allSatisfy(p -> {
      assertThat(p.modelVersion()).isEqualTo(2);
      assertThat(p.testAuc()).isEqualTo(second.metrics().auc());
      assertThat(p.direction()).isEqualTo(p.probabilityUp() > 0.5 ? "up" : "down");
      assertThat(p.asOf().getTime()).isEqualTo(SyntheticCandles.T0 + (MINUTES - 1) * 60_000L);
    });
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    PredictionsCommand.print(latest, new java.io.PrintStream(printed, true,
        java.nio.charset.StandardCharsets.UTF_8));
    String auc = String.format(java.util.Locale.ROOT, "%.3f", second.metrics().auc());
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines())
        .hasSize(3)
        .element(1).asString().startsWith("AAAUSDT").contains(" v2 ").endsWith(auc);
  }

  private TrainJob.TrainResult train(SyntheticCandles candles) throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Features.compute(candles.toDataset(spark), 15).write().format("delta")
        .save(lakehouse.goldFeatures());
    return new TrainJob(config(lakehouse)).run(spark);
  }

  private static TrainConfig config(Lakehouse lakehouse) {
    return new TrainConfig(lakehouse, S3Settings.aws(null), "local[2]", 3, 0.01, 50, 60);
  }
}
