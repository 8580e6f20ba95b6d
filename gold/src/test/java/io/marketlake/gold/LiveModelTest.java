package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.SparkJobs;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model side of {@code live}, tick by tick over a silver table that grows: no model while
 * history is short (and why), a first model once it is long enough, then every new minute scored
 * once by the newest model, and outcomes filled in as their horizon passes.
 */
class LiveModelTest {
  private static final long MINUTE = 60_000;
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void trainsWhenHistoryAllowsThenScoresEachNewMinuteOnce() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    LayerContext ctx = TestSpark.context(lakehouse);
    Dataset<Row> candles = new SyntheticCandles().path("AAAUSDT", 720, 31, 0.001, 0, 0)
        .path("BBBUSDT", 720, 32, 0.001, 0, 0).toDataset(spark).cache();
    LiveModel model = new LiveModel(new LiveModel.Config(Duration.ofHours(1), Duration.ZERO,
        Duration.ZERO, TrainConfig.defaults(), 15, Duration.ofDays(7)));

    writeSilver(lakehouse, candles, 0, 150, "overwrite");
    LiveModel.Tick tooShort = model.tick(ctx);
    assertThat(tooShort.modelVersion()).isNull();
    assertThat(tooShort.noTrainBecause()).startsWith("Not enough history");

    writeSilver(lakehouse, candles, 150, 700, "append");
    LiveModel.Tick first = model.tick(ctx);
    assertThat(first.trained()).isNotNull();
    assertThat(first.modelVersion()).isEqualTo(1);
    assertThat(first.noTrainBecause()).isNull();
    // The train scored the minutes after its data_to itself: nothing is left for the tick.
    assertThat(first.scored()).isZero();
    long scoredByTrain = predictions(lakehouse).count();

    writeSilver(lakehouse, candles, 700, 710, "append");
    LiveModel.Tick next = model.tick(ctx);
    assertThat(next.trained()).as("retrains on the schedule, not on every tick").isNull();
    assertThat(next.scored()).isEqualTo(2 * 10);
    Dataset<Row> live = predictions(lakehouse).filter("as_of >= timestamp_millis("
        + (SyntheticCandles.T0 + 700 * MINUTE) + ")");
    assertThat(live.count()).isEqualTo(20);
    assertThat(live.select("symbol", "as_of").distinct().count()).isEqualTo(20);
    assertThat(live.filter("model_version = 1 AND actual_direction IS NULL").count())
        .isEqualTo(20);
    // Closes up to minute 709 grade the predictions made at 685 .. 694.
    assertThat(next.outcomes()).isEqualTo(2 * 10);

    SparkJobs.Counted<LiveModel.Tick> idle = SparkJobs.count(spark, () -> model.tick(ctx));
    assertThat(idle.value().scored()).isZero();
    assertThat(idle.jobs()).as("a tick with no new silver commit runs no Spark job").isZero();
    assertThat(predictions(lakehouse).count()).isEqualTo(scoredByTrain + 20);

    writeSilver(lakehouse, candles, 710, 711, "append");
    assertThat(model.tick(ctx).scored()).as("the next silver commit is scored").isEqualTo(2);
  }

  private Dataset<Row> predictions(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.goldPredictions());
  }

  /** Silver's minutes {@code [from, until)} of both symbols. */
  private static void writeSilver(Lakehouse lakehouse, Dataset<Row> candles, int from, int until,
      String mode) {
    candles.filter(org.apache.spark.sql.functions.col("open_time")
            .geq(new Timestamp(SyntheticCandles.T0 + from * MINUTE))
            .and(org.apache.spark.sql.functions.col("open_time")
                .lt(new Timestamp(SyntheticCandles.T0 + until * MINUTE))))
        .write().format("delta").mode(mode).save(lakehouse.silverCandles1m());
  }
}
