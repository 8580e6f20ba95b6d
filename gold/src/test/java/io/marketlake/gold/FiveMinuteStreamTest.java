package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiveMinuteStreamTest {
  private static final String[] OHLCV = {"symbol", "window_start", "window_end", "open", "high",
      "low", "close", "volume", "quote_volume", "trades", "candle_count", "complete"};
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void windowsAppearWithTheirFirstCandleAndAreCompleteOnceAllFiveAreIn() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    createSilver(lakehouse);
    Set<Integer> delayed = Set.of(2, 3, 12, 25);
    SyntheticCandles first = new SyntheticCandles();
    for (int m = 0; m < 30; m++) if (!delayed.contains(m)) minute(first, "LINKUSDT", m);
    append(lakehouse, first);

    FiveMinuteStream.Result firstRun = run(lakehouse, -1);

    // Minutes 0-29 less four: all six windows are there at once; three of them lack a minute.
    assertThat(firstRun.candlesRead()).isEqualTo(26);
    assertThat(firstRun.lateCandles()).isZero();
    assertThat(firstRun.windowsWritten()).isEqualTo(6);
    List<Row> early = live(lakehouse);
    assertThat(early).extracting(r -> minutes(r.getAs("window_start")) + ":"
            + r.getAs("candle_count") + ":" + r.getAs("complete"))
        .containsExactly("0:3:false", "5:5:true", "10:4:false", "15:5:true", "20:5:true",
            "25:4:false");
    Row withoutLate = early.get(0);
    assertThat(withoutLate.<BigDecimal>getAs("open")).isEqualByComparingTo("10.00");
    assertThat(withoutLate.<BigDecimal>getAs("close")).isEqualByComparingTo("10.045");
    assertThat(withoutLate.<BigDecimal>getAs("volume")).isEqualByComparingTo("8");  // 1+2+5

    // The four delayed minutes arrive with minutes 30-59: each lands in its window, which
    // becomes complete; minutes 2 and 3 change that window's close, not its open.
    SyntheticCandles second = new SyntheticCandles();
    delayed.stream().sorted().forEach(m -> minute(second, "LINKUSDT", m));
    for (int m = 30; m < 60; m++) minute(second, "LINKUSDT", m);
    append(lakehouse, second);

    FiveMinuteStream.Result secondRun = run(lakehouse, firstRun.lastBatchId());

    assertThat(secondRun.candlesRead()).isEqualTo(34);
    assertThat(secondRun.lateCandles()).isEqualTo(4);
    assertThat(secondRun.windowsWritten()).isEqualTo(9);
    Row recorded = spark.read().format("delta").load(FiveMinuteStream.batchesTable(lakehouse))
        .selectExpr("sum(candles_read)", "sum(late_candles)", "count(DISTINCT batch_id) = count(*)")
        .first();
    assertThat(recorded.getLong(0)).isEqualTo(60);
    assertThat(recorded.getLong(1)).isEqualTo(4);
    assertThat(recorded.getBoolean(2)).isTrue();

    // Every window now equals the batch rollup of silver, field by field.
    assertThat(live(lakehouse)).hasSize(12)
        .allSatisfy(r -> assertThat(r.<Boolean>getAs("complete")).isTrue());
    assertEqualsBatchRollup(lakehouse);

    // The incremental batch job keeps candles_5m, the table of record, the same.
    new GoldJob(GoldConfig.defaults()).run(TestSpark.context(lakehouse));
    assertThat(spark.read().format("delta").load(lakehouse.goldCandles("5m"))
        .filter("complete").count()).isEqualTo(12);
  }

  @Test
  void aSymbolFarBehindTheOthersStillLandsItsCandlesAndItsWindowsSayWhetherTheyAreComplete()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    createSilver(lakehouse);
    // AAA is an hour ahead; BBB has only its first three minutes.
    SyntheticCandles first = new SyntheticCandles();
    for (int m = 0; m < 60; m++) minute(first, "AAAUSDT", m);
    for (int m = 0; m < 3; m++) minute(first, "BBBUSDT", m);
    append(lakehouse, first);
    FiveMinuteStream.Result firstRun = run(lakehouse, -1);

    // BBB's minutes 3-7 arrive 50 minutes behind AAA's newest candle. A global watermark
    // (newest open_time less 10 minutes, = minute 49) dropped every one of them.
    SyntheticCandles second = new SyntheticCandles();
    for (int m = 3; m < 8; m++) minute(second, "BBBUSDT", m);
    append(lakehouse, second);
    FiveMinuteStream.Result secondRun = run(lakehouse, firstRun.lastBatchId());

    assertThat(secondRun.candlesRead()).isEqualTo(5);
    assertThat(secondRun.lateCandles()).isEqualTo(2);  // minutes 3 and 4, into window 0
    List<Row> bbb = live(lakehouse).stream()
        .filter(r -> r.getAs("symbol").equals("BBBUSDT")).toList();
    assertThat(bbb).extracting(r -> minutes(r.getAs("window_start")) + ":"
            + r.getAs("candle_count") + ":" + r.getAs("complete"))
        .containsExactly("0:5:true", "5:3:false");
    assertThat(bbb.get(1).<BigDecimal>getAs("open")).isEqualByComparingTo("10.05");
    assertThat(bbb.get(1).<BigDecimal>getAs("close")).isEqualByComparingTo("10.075");
    assertThat(live(lakehouse).stream().filter(r -> r.getAs("symbol").equals("AAAUSDT")))
        .hasSize(12).allSatisfy(r -> assertThat(r.<Boolean>getAs("complete")).isTrue());
    assertEqualsBatchRollup(lakehouse);

    // Replaying nothing new changes nothing.
    FiveMinuteStream.Result idle = run(lakehouse, secondRun.lastBatchId());
    assertThat(idle.candlesRead()).isZero();
    assertThat(live(lakehouse)).hasSize(14);
  }

  private void assertEqualsBatchRollup(Lakehouse lakehouse) {
    Dataset<Row> batch = Rollups.rollup(silver(lakehouse), RollupWindow.FIVE_MINUTES);
    Dataset<Row> liveRows = spark.read().format("delta")
        .load(FiveMinuteStream.liveTable(lakehouse));
    assertThat(liveRows.select(cols()).exceptAll(batch.select(cols())).collectAsList()).isEmpty();
    assertThat(batch.select(cols()).exceptAll(liveRows.select(cols())).collectAsList()).isEmpty();
  }

  private List<Row> live(Lakehouse lakehouse) {
    return spark.read().format("delta").load(FiveMinuteStream.liveTable(lakehouse))
        .orderBy("symbol", "window_start").collectAsList();
  }

  private void createSilver(Lakehouse lakehouse) {
    DeltaTable.createIfNotExists(spark).location(lakehouse.silverCandles1m())
        .addColumns(SyntheticCandles.SILVER).property("delta.enableChangeDataFeed", "true")
        .execute();
  }

  /** A candle whose every field depends on its minute, so a misplaced one shows. */
  private static void minute(SyntheticCandles candles, String symbol, int m) {
    BigDecimal open = new BigDecimal("10.00").add(new BigDecimal(m).movePointLeft(2));
    candles.add(symbol, m, open.toPlainString(), open.add(new BigDecimal("0.02"))
            .add(new BigDecimal(m % 3).movePointLeft(2)).toPlainString(),
        open.subtract(new BigDecimal("0.01")).toPlainString(),
        open.add(new BigDecimal("0.005")).toPlainString(), String.valueOf(m + 1), 10L + m);
  }

  private static org.apache.spark.sql.Column[] cols() {
    return java.util.Arrays.stream(OHLCV).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
  }

  private static long minutes(Timestamp t) {
    return (t.getTime() - SyntheticCandles.T0) / 60_000;
  }

  private FiveMinuteStream.Result run(Lakehouse lakehouse, long after) throws Exception {
    LayerContext ctx = TestSpark.context(lakehouse);
    StreamingQuery query = FiveMinuteStream.start(ctx, null);
    query.awaitTermination();
    return FiveMinuteStream.batchesSince(ctx, query, after);
  }

  private Dataset<Row> silver(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.silverCandles1m());
  }

  private void append(Lakehouse lakehouse, SyntheticCandles candles) {
    candles.toDataset(spark).write().format("delta").mode("append")
        .save(lakehouse.silverCandles1m());
  }
}
