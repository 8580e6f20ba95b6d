package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
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
  }

  private TrainJob.TrainResult train(SyntheticCandles candles) throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Features.compute(candles.toDataset(spark), 15).write().format("delta")
        .save(lakehouse.goldFeatures());
    return new TrainJob(new TrainConfig(lakehouse, S3Settings.aws(null), "local[2]", 3, 0.01, 50,
        60)).run(spark);
  }
}
