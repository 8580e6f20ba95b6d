package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldJobTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void rollupsAreBuiltThenUpdatedOnlyWhereSilverChanged() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    String silver = emptySilver(lakehouse);
    // Two symbols, three hours each: 36 five-minute windows, 3 hours, 1 day per symbol.
    new SyntheticCandles().path("LINKUSDT", 180, 1, 0.001, 0, 0).path("NEARUSDT", 180, 2, 0.001,
        0, 0).toDataset(spark).write().format("delta").mode("append").save(silver);
    GoldConfig config = GoldConfig.defaults();

    GoldJob.GoldResult first = new GoldJob(config).run(TestSpark.context(lakehouse));

    assertThat(first.silverChangesRead()).isEqualTo(360);
    assertThat(first.windowsMerged()).isEqualTo(Map.of(RollupWindow.FIVE_MINUTES, 72L,
        RollupWindow.ONE_HOUR, 6L, RollupWindow.ONE_DAY, 2L));
    assertThat(count(lakehouse.goldCandles("5m"), "complete")).isEqualTo(72);
    assertThat(count(lakehouse.goldCandles("1h"), "complete")).isEqualTo(6);
    assertThat(count(lakehouse.goldCandles("1d"), "NOT complete")).isEqualTo(2);
    assertThat(first.featureRows()).isEqualTo(2 * (180 - Features.MAX_LAG));
    Row daily = spark.read().format("delta").load(lakehouse.goldDailyChange())
        .filter("symbol = 'LINKUSDT'").first();
    assertThat(daily.<Long>getAs("candles_24h")).isEqualTo(180L);

    // Nothing changed in silver: nothing to do.
    GoldJob.GoldResult idle = new GoldJob(config).run(TestSpark.context(lakehouse));
    assertThat(idle.silverChangesRead()).isZero();

    Timestamp nearUpdated = daily("NEARUSDT").getAs("updated_at");

    // A correction of one candle (minute 62 of LINKUSDT) reaches exactly its three windows.
    long goldVersion = lastVersion(lakehouse.goldCandles("5m"));
    DeltaTable.forPath(spark, silver).update(
        functions.expr("symbol = 'LINKUSDT' AND open_time = timestamp_millis("
            + (SyntheticCandles.T0 + 62 * 60_000L) + ")"),
        Map.of("high", functions.lit(new BigDecimal("999"))));
    GoldJob.GoldResult update = new GoldJob(config).run(TestSpark.context(lakehouse));

    assertThat(update.silverChangesRead()).isEqualTo(1);
    assertThat(update.windowsMerged()).isEqualTo(Map.of(RollupWindow.FIVE_MINUTES, 1L,
        RollupWindow.ONE_HOUR, 1L, RollupWindow.ONE_DAY, 1L));
    Row changes = spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", goldVersion + 1).load(lakehouse.goldCandles("5m"))
        .filter("_change_type = 'update_postimage'")
        .selectExpr("count(*)", "max(high)", "max(window_start)").first();
    assertThat(changes.getLong(0)).isEqualTo(1);
    assertThat(changes.getDecimal(1)).isEqualByComparingTo("999");
    assertThat(changes.getTimestamp(2).getTime()).isEqualTo(SyntheticCandles.T0 + 60 * 60_000L);
    // ... and the daily change of its symbol only.
    assertThat(daily("LINKUSDT").<BigDecimal>getAs("high_24h")).isEqualByComparingTo("999");
    assertThat(daily("LINKUSDT").<Long>getAs("candles_24h")).isEqualTo(180L);
    assertThat(daily("NEARUSDT").<Timestamp>getAs("updated_at")).isEqualTo(nearUpdated);
  }

  @Test
  void aRunningGoldKeepsFiveMinutesOnItsTriggerAndTheCoarserTablesOnTheirOwnCadence()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    String silver = emptySilver(lakehouse);
    SyntheticCandles path = new SyntheticCandles().path("LINKUSDT", 15, 3, 0.001, 0, 0);
    java.util.List<Row> minutes = path.toDataset(spark).orderBy("open_time").collectAsList();
    spark.createDataFrame(minutes.subList(0, 10), SyntheticCandles.SILVER).write()
        .format("delta").mode("append").save(silver);
    // 5m every 200 ms; the 1h/1d rollups and the daily change now, then not for an hour.
    GoldConfig config = new GoldConfig(15, java.time.Duration.ofMillis(200),
        java.time.Duration.ofHours(1), java.time.Duration.ofHours(1));
    GoldJob job = new GoldJob(config);
    io.marketlake.common.spark.LayerContext ctx = TestSpark.context(lakehouse);
    org.apache.spark.sql.streaming.StreamingQuery fiveMinutes = job.startFiveMinutes(ctx);
    org.apache.spark.sql.streaming.StreamingQuery coarse = job.start(ctx);
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .until(() -> count(lakehouse.goldCandles("5m"), "complete") == 2
              && candles24h("LINKUSDT") == 10L && count(lakehouse.goldCandles("1h"), "true") == 1);
      spark.createDataFrame(minutes.subList(10, 15), SyntheticCandles.SILVER).write()
          .format("delta").mode("append").save(silver);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .until(() -> count(lakehouse.goldCandles("5m"), "complete") == 3);
      // The coarser query has not run again: its next batch is an hour away.
      assertThat(candles24h("LINKUSDT")).isEqualTo(10L);
    } finally {
      fiveMinutes.stop();
      coarse.stop();
    }
    assertThat(job.result(0).silverChangesRead()).isEqualTo(15);
    // Written by the coarser query's first micro-batch; not due again within the hour.
    assertThat(DeltaTable.forPath(spark, lakehouse.goldFeatures()).history().count())
        .isEqualTo(1);
    // Each query has its own checkpoint: an available-now run brings the coarser tables up.
    new GoldJob(GoldConfig.defaults().withHorizon(15)).run(ctx);
    assertThat(candles24h("LINKUSDT")).isEqualTo(15L);
  }

  /** An empty silver-shaped table with its change feed, as silver creates it. */
  private String emptySilver(Lakehouse lakehouse) {
    String silver = lakehouse.silverCandles1m();
    DeltaTable.createIfNotExists(spark).location(silver).addColumns(SyntheticCandles.SILVER)
        .property("delta.enableChangeDataFeed", "true").execute();
    return silver;
  }

  /** The daily change's candle count of the symbol, or -1 before it has a row. */
  private long candles24h(String symbol) {
    java.util.List<Row> rows = spark.read().format("delta").load(new Lakehouse(
        dir.toUri().toString()).goldDailyChange()).filter("symbol = '" + symbol + "'")
        .collectAsList();
    return rows.isEmpty() ? -1 : rows.get(0).<Long>getAs("candles_24h");
  }

  private Row daily(String symbol) {
    return spark.read().format("delta").load(new Lakehouse(dir.toUri().toString())
        .goldDailyChange()).filter("symbol = '" + symbol + "'").first();
  }

  private long count(String table, String condition) {
    return spark.read().format("delta").load(table).filter(condition).count();
  }

  private long lastVersion(String table) {
    return DeltaTable.forPath(spark, table).history(1).first().<Long>getAs("version");
  }
}
