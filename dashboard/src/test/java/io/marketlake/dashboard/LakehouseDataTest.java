package io.marketlake.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.SparkJobs;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard reads a table again only when it has a new commit. */
class LakehouseDataTest {
  /** 2026-02-01T00:00:00Z. */
  private static final long T0 = 1769904000000L;

  @TempDir Path dir;

  @Test
  void candlesAndFreshnessAreReadAgainOnlyAfterANewCommit() throws Exception {
    SparkSession spark = TestSpark.get();
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    LakehouseData data = new LakehouseData(TestSpark.context(lakehouse), ExchangeTimeline.REAL);
    assertThat(data.candles("BTCUSDT", "1m", 10).candles()).as("no silver table yet").isEmpty();

    appendSilver(spark, lakehouse, 0, 1);
    assertThat(opens(data.candles("BTCUSDT", "1m", 10))).containsExactly(T0, T0 + 60_000);
    DashboardData.Freshness silver = data.overview().freshness().get(0);
    assertThat(silver.newest()).isEqualTo(T0 + 2 * 60_000);

    SparkJobs.Counted<DashboardData.Candles> again =
        SparkJobs.count(spark, () -> data.candles("BTCUSDT", "1m", 10));
    assertThat(opens(again.value())).containsExactly(T0, T0 + 60_000);
    assertThat(again.jobs()).as("candles with no new silver commit: no Spark job").isZero();

    appendSilver(spark, lakehouse, 2);
    assertThat(opens(data.candles("BTCUSDT", "1m", 10)))
        .containsExactly(T0, T0 + 60_000, T0 + 120_000);
    assertThat(data.overview().freshness().get(0).newest()).isEqualTo(T0 + 3 * 60_000);
    // Another symbol, interval or limit is an answer of its own.
    assertThat(opens(data.candles("BTCUSDT", "1m", 1))).containsExactly(T0 + 120_000);
  }

  private static List<Long> opens(DashboardData.Candles candles) {
    return candles.candles().stream().map(c -> (long) c[0]).toList();
  }

  /** One commit to a silver-shaped table holding the given minutes of BTCUSDT. */
  private static void appendSilver(SparkSession spark, Lakehouse lakehouse, int... minutes) {
    StringBuilder rows = new StringBuilder();
    for (int m : minutes) {
      if (rows.length() > 0) rows.append(", ");
      rows.append("('BTCUSDT', timestamp_millis(").append(T0 + m * 60_000L)
          .append("), 1.0, 2.0, 0.5, 1.5, 10.0)");
    }
    spark.sql("SELECT * FROM VALUES " + rows
            + " AS t(symbol, open_time, open, high, low, close, volume)")
        .write().format("delta").mode("append").save(lakehouse.silverCandles1m());
  }
}
