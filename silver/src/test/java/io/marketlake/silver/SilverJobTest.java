package io.marketlake.silver;

import static io.marketlake.silver.BronzeFixture.at;
import static io.marketlake.silver.BronzeFixture.candle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilverJobTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void mergesNewestVersionsQuarantinesBadRowsAndRerunsChangeNothing() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    appendBronze(lakehouse, new BronzeFixture()
        .add(candle("LINKUSDT", 1, "10.5"), at("2026-02-02T00:00:00Z"))
        .add(candle("LINKUSDT", 1, "10.5"), at("2026-02-02T00:00:00Z"))   // exact duplicate
        .add(candle("LINKUSDT", 2, "10.6"), at("2026-02-02T00:00:00Z"))
        .add(candle("link-usdt", 3, "10.6"), at("2026-02-02T00:00:00Z"))  // quarantined
        .addRaw("NEARUSDT", "{\"schema_version\":1,\"kind\":\"snapshot\",\"source\":\"coingecko\","
            + "\"symbol\":\"NEARUSDT\",\"open_time\":1769904000000,\"price\":1.2,"
            + "\"fetched_at\":1769904000000}", at("2026-02-02T00:00:00Z")));

    SilverJob.SilverResult first = runSilver(lakehouse);

    assertThat(first.bronzeRowsRead()).isEqualTo(5);
    assertThat(first.candlesInserted()).isEqualTo(2);
    assertThat(first.candlesUpdated()).isZero();
    assertThat(first.quarantined()).isEqualTo(1);
    assertThat(first.otherKinds()).isEqualTo(1);
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=10.5", "LINKUSDT@2=10.6");
    Row refused = spark.read().format("delta").load(lakehouse.silverQuarantine()).first();
    assertThat(refused.<String>getList(refused.fieldIndex("failed_rules")))
        .containsExactly("symbol_format");
    assertThat(refused.<Long>getAs("kafka_offset")).isEqualTo(3L);
    assertThat(spark.read().format("delta").load(lakehouse.silverQualityMetrics())
        .filter("rule = 'symbol_format'").selectExpr("sum(rows_failed)").first().getLong(0))
        .isEqualTo(1L);

    // Nothing new in bronze: nothing read, nothing changed.
    long version = lastVersion(lakehouse.silverCandles1m());
    assertThat(runSilver(lakehouse).bronzeRowsRead()).isZero();
    assertThat(lastVersion(lakehouse.silverCandles1m())).isEqualTo(version);

    // A correction arrives later, and so does a stale copy within the same batch: offset decides.
    appendBronze(lakehouse, new BronzeFixture().offsetsFrom(10)
        .add(candle("LINKUSDT", 1, "10.9"), at("2026-02-03T00:00:00Z"))
        .add(candle("LINKUSDT", 1, "11.0"), at("2026-02-03T00:00:00Z")));
    SilverJob.SilverResult correction = runSilver(lakehouse);
    assertThat(correction.candlesUpdated()).isEqualTo(1);
    assertThat(correction.candlesInserted()).isZero();
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=11", "LINKUSDT@2=10.6");

    // Reprocess all of bronze from scratch: the table content stays identical.
    List<Row> before = silverRows(lakehouse);
    deleteRecursively(Path.of(java.net.URI.create(lakehouse.checkpoint(SilverJob.QUERY))));
    SilverJob.SilverResult replay = runSilver(lakehouse);
    assertThat(replay.bronzeRowsRead()).isEqualTo(7);
    assertThat(replay.candlesInserted() + replay.candlesUpdated()).isZero();
    assertThat(silverRows(lakehouse)).isEqualTo(before);
  }

  @Test
  void everyRuleSendsItsBadRowToTheQuarantineTableUnderItsNameAndCountsIt() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Timestamp ingested = at("2026-02-02T00:00:00Z");
    BronzeFixture bronze = new BronzeFixture().add(candle("LINKUSDT", 2, "10.5"), ingested);
    List<String> expected = new ArrayList<>();
    SilverTransformsTest.badRows().forEach(arguments -> {
      @SuppressWarnings("unchecked")
      Consumer<ObjectNode> breakIt = (Consumer<ObjectNode>) arguments.get()[1];
      ObjectNode message = SilverTransformsTest.validJson();
      breakIt.accept(message);
      bronze.addRaw("LINKUSDT", message.toString(), ingested);
      expected.add((expected.size() + 1) + " " + arguments.get()[0]);
    });
    appendBronze(lakehouse, bronze);

    SilverJob.SilverResult result = runSilver(lakehouse);

    assertThat(result.candlesInserted()).isEqualTo(1);
    assertThat(result.quarantined()).isEqualTo(expected.size());
    // Offset 0 is the good candle; offset i is the i-th bad row, refused for its rule alone.
    List<String> refused = spark.read().format("delta").load(lakehouse.silverQuarantine())
        .orderBy("kafka_offset").collectAsList().stream()
        .map(r -> r.<Long>getAs("kafka_offset") + " "
            + String.join(",", r.<String>getList(r.fieldIndex("failed_rules"))))
        .toList();
    assertThat(refused).isEqualTo(expected);
    // The metrics table counts each rule's failures: one row per default rule, two for
    // required_fields (a missing and an unparseable field), the rest pass.
    Map<String, Long> failures = new TreeMap<>();
    spark.read().format("delta").load(lakehouse.silverQualityMetrics())
        .groupBy("rule").agg(org.apache.spark.sql.functions.sum("rows_failed"))
        .collectAsList().forEach(r -> failures.put(r.getString(0), r.getLong(1)));
    Map<String, Long> expectedFailures = new TreeMap<>();
    QualityRules.defaults().forEach(r -> expectedFailures.put(r.name(), 1L));
    expectedFailures.put("valid_json", 0L);
    expectedFailures.put("supported_schema_version", 1L);
    expectedFailures.put("required_fields", 2L);
    assertThat(failures).isEqualTo(expectedFailures);
  }

  @Test
  void silverTablesCarryTheirDocumentedLayoutAndProperties() throws Exception {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    runSilver(lakehouse);

    Row candles = detail(lakehouse.silverCandles1m());
    assertThat(candles.<String, String>getJavaMap(candles.fieldIndex("properties")))
        .containsEntry("delta.enableChangeDataFeed", "true")
        .containsEntry("delta.autoOptimize.optimizeWrite", "true")
        .containsEntry("delta.checkpointInterval", "20");
    assertThat(candles.<String>getList(candles.fieldIndex("partitionColumns")))
        .containsExactly("open_date");
    // Gold reads silver's change feed from version 0 on: the feed must exist from the start.
    assertThat(spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", 0).load(lakehouse.silverCandles1m())
        .filter("_change_type = 'insert'").count()).isEqualTo(1);
    for (String table : List.of(lakehouse.silverQuarantine(), lakehouse.silverQualityMetrics())) {
      Row d = detail(table);
      assertThat(d.<String>getList(d.fieldIndex("partitionColumns"))).as(table).isEmpty();
    }
  }

  private Row detail(String table) {
    return spark.sql("DESCRIBE DETAIL delta.`" + table + "`").first();
  }

  @Test
  void aRunningQueryMergesBronzeRowsAsTheyArriveAndKeepsUnknownFields() throws Exception {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    // The ledger: recomputed by the first batch, then not again within the hour.
    SilverJob job = runningSilver();
    org.apache.spark.sql.streaming.StreamingQuery query = job.start(TestSpark.context(lakehouse));
    try {
      awaitUntil(() -> silverIfExists(lakehouse).size() == 1);
      ObjectNode later = SilverTransformsTest.validJson();
      later.put("open_time", BronzeFixture.T0 + 2 * 60_000).put("close_time",
          BronzeFixture.T0 + 3 * 60_000 - 1).put("exchange_note", "late print");
      appendBronze(lakehouse, new BronzeFixture().offsetsFrom(1)
          .addRaw("LINKUSDT", later.toString(), at("2026-02-02T00:01:00Z")));
      // The whole second batch, not just its candle MERGE: the ledger comes after it.
      awaitUntil(() -> silverIfExists(lakehouse).size() == 2 && job.result(0).batches() >= 2);
      assertThat(ledger(lakehouse)).as("not recomputed by the second batch").containsExactly(
          "binance LINKUSDT 2026-02-01 tracked 1 expected 1 present 1 none 0 missing 0 []");
    } finally {
      query.stop();
    }
    job.flushLedger(TestSpark.context(lakehouse));
    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 2 expected 2 present 2 none 0 missing 0 []");
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=10.5", "LINKUSDT@2=10.5");
    assertThat(job.result(0).batches()).isGreaterThanOrEqualTo(2);
    assertThat(spark.read().format("delta").load(lakehouse.silverCandles1m())
        .filter("_rescued_data IS NOT NULL").select("_rescued_data").first().getString(0))
        .isEqualTo("{\"exchange_note\":\"late print\"}");
  }

  @Test
  void aLedgerFlushLostWithItsJobIsCaughtUpByTheNextRun() throws Exception {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    // The first batch writes the ledger; the second only notes its minutes for a flush an hour
    // later, and the job stops before it (as a kill would).
    SilverJob job = runningSilver();
    org.apache.spark.sql.streaming.StreamingQuery query = job.start(TestSpark.context(lakehouse));
    try {
      awaitUntil(() -> job.result(0).batches() >= 1 && job.result(0).ledgerDays() == 1);
      appendBronze(lakehouse, new BronzeFixture().offsetsFrom(1)
          .add(candle("LINKUSDT", 1440 + 5, "10.7"), at("2026-02-02T00:01:00Z")));
      // Committed to the checkpoint too (progress is reported after the commit), so the next
      // run has no batch to redo.
      awaitUntil(() -> job.result(0).batches() >= 2 && query.lastProgress() != null
              && query.lastProgress().batchId() >= 1);
    } finally {
      query.stop();
    }
    assertThat(ledger(lakehouse)).as("the second batch's day is not flushed").containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 1 expected 1 present 1 none 0 missing 0 []");

    // No new bronze rows, so no batch: the run finds silver ahead of the ledger and catches up.
    SilverJob.SilverResult next = runSilver(lakehouse);

    assertThat(next.batches()).isZero();
    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 1439 expected 1439 present 1 none 0 missing 1438"
            + " [2-1440]",
        "binance LINKUSDT 2026-02-02 tracked 6 expected 6 present 1 none 0 missing 5"
            + " [1440-1445]");
  }

  @Test
  void aLedgerFromBeforeSilverVersionGetsTheColumn() throws Exception {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    org.apache.spark.sql.types.StructType before = new org.apache.spark.sql.types.StructType(
        java.util.Arrays.stream(SilverTables.COMPLETENESS.fields())
            .filter(f -> !f.name().equals("silver_version"))
            .toArray(org.apache.spark.sql.types.StructField[]::new));
    io.delta.tables.DeltaTable.create(spark).location(lakehouse.silverCompleteness())
        .addColumns(before).execute();

    runSilver(lakehouse);

    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 1 expected 1 present 1 none 0 missing 0 []");
    assertThat(spark.read().format("delta").load(lakehouse.silverCompleteness())
        .select("silver_version").first().getLong(0)).isPositive();
  }

  /** A lakehouse whose bronze holds one LINKUSDT candle, minute 1. */
  private Lakehouse lakehouseWithOneCandle() {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    appendBronze(lakehouse, new BronzeFixture()
        .add(candle("LINKUSDT", 1, "10.5"), at("2026-02-02T00:00:00Z")));
    return lakehouse;
  }

  /** One available-now silver run with the default rules. */
  private static SilverJob.SilverResult runSilver(Lakehouse lakehouse) throws Exception {
    return new SilverJob(SilverConfig.defaults()).run(TestSpark.context(lakehouse));
  }

  /** A silver that keeps running (200 ms trigger) and writes the ledger at its first batch only. */
  private static SilverJob runningSilver() {
    return new SilverJob(SilverConfig.defaults().withTrigger(java.time.Duration.ofMillis(200))
        .withLedgerInterval(java.time.Duration.ofHours(1)));
  }

  private static void awaitUntil(java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(condition);
  }

  private List<String> silverIfExists(Lakehouse lakehouse) {
    return io.delta.tables.DeltaTable.isDeltaTable(spark, lakehouse.silverCandles1m())
        ? silver(lakehouse) : List.of();
  }

  @Test
  void aFailRuleStopsTheRunNamingTheRuleAndASample() {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    SilverConfig strict = SilverConfig.defaults().withRules(
        List.of(new QualityRule("big_trades", "trades > 1000", QualityRule.Action.FAIL)));

    assertThatThrownBy(() -> new SilverJob(strict).run(TestSpark.context(lakehouse)))
        .isInstanceOf(SilverJob.QualityFailure.class)
        .hasMessageStartingWith("Quality rule 'big_trades' (trades > 1000) failed for 1 row(s);"
            + " e.g. {\"schema_version\":1,\"kind\":\"candle\"")
        .hasMessageEndingWith(" at md/0@0");
    assertThat(spark.read().format("delta").load(lakehouse.silverCandles1m()).count()).isZero();
    // The stopped batch's metrics are written (the MERGE is not): they say why it stopped.
    assertThat(spark.read().format("delta").load(lakehouse.silverQualityMetrics())
        .filter("rule = 'big_trades'").select("rows_failed").as(Encoders.LONG())
        .collectAsList()).containsExactly(1L);
  }

  @Test
  void emptyAnswersAndCandlesMakeTheLedgerAndALaterCandleWinsOverAnEmptyAnswer()
      throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    BronzeFixture first = new BronzeFixture();
    for (int minute : new int[] {0, 1, 2, 6, 7, 8, 9}) {
      first.add(candle("LINKUSDT", minute, "10.5"), at("2026-02-02T00:00:00Z"));
    }
    first.add(io.marketlake.common.MarketMessage.noCandles("binance", "LINKUSDT", "1m",
            BronzeFixture.T0 + 3 * 60_000, BronzeFixture.T0 + 5 * 60_000, BronzeFixture.T0),
        at("2026-02-02T00:00:00Z"));
    // No symbol: refused, not silently dropped.
    first.addRaw("LINKUSDT", "{\"schema_version\":1,\"kind\":\"no_candles\",\"source\":"
        + "\"binance\",\"interval\":\"1m\",\"open_time\":1769904000000,\"close_time\":"
        + "1769904059999,\"fetched_at\":1769904000000}", at("2026-02-02T00:00:00Z"));
    appendBronze(lakehouse, first);

    SilverJob.SilverResult result = runSilver(lakehouse);

    assertThat(result.emptyAnswers()).isEqualTo(1);
    assertThat(result.quarantined()).isEqualTo(1);
    assertThat(result.otherKinds()).isZero();
    assertThat(spark.read().format("delta").load(lakehouse.silverQuarantine())
        .selectExpr("failed_rules[0]").first().getString(0)).isEqualTo("no_candles_fields");
    Row gap = spark.read().format("delta").load(lakehouse.silverExchangeGaps()).first();
    assertThat(gap.getTimestamp(gap.fieldIndex("gap_end_exclusive")).getTime())
        .isEqualTo(BronzeFixture.T0 + 5 * 60_000);
    // Ten tracked minutes 00:00..00:09: 7 candles, 3 and 4 answered empty, 5 missing.
    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 10 expected 8 present 7 none 2 missing 1 [5-6]");

    appendBronze(lakehouse, new BronzeFixture().offsetsFrom(10)
        .add(candle("LINKUSDT", 3, "10.5"), at("2026-02-02T00:05:00Z"))
        .add(candle("LINKUSDT", 5, "10.5"), at("2026-02-02T00:05:00Z")));
    runSilver(lakehouse);

    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 10 expected 9 present 9 none 1 missing 0 []");

    // Reprocessing all of bronze from scratch leaves one gap row and the same ledger.
    deleteRecursively(Path.of(java.net.URI.create(lakehouse.checkpoint(SilverJob.QUERY))));
    runSilver(lakehouse);
    assertThat(spark.read().format("delta").load(lakehouse.silverExchangeGaps()).count())
        .isEqualTo(1);
    assertThat(ledger(lakehouse)).containsExactly(
        "binance LINKUSDT 2026-02-01 tracked 10 expected 9 present 9 none 1 missing 0 []");
  }

  private List<String> ledger(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.silverCompleteness())
        .orderBy("source", "symbol", "day").collectAsList().stream()
        .map(r -> r.getAs("source") + " " + r.getAs("symbol") + " " + r.getAs("day")
            + " tracked " + r.getAs("tracked_minutes") + " expected " + r.getAs("expected_minutes")
            + " present " + r.getAs("present_minutes") + " none "
            + r.getAs("exchange_none_minutes") + " missing " + r.getAs("missing_minutes") + " "
            + r.<Row>getList(r.fieldIndex("missing_ranges")).stream()
                .map(m -> (m.getTimestamp(0).getTime() - BronzeFixture.T0) / 60_000 + "-"
                    + (m.getTimestamp(1).getTime() - BronzeFixture.T0) / 60_000)
                .collect(java.util.stream.Collectors.joining(",", "[", "]")))
        .toList();
  }

  @Test
  void silverKeepsRunningAfterTheBronzeRetentionDelete() throws Exception {
    Lakehouse lakehouse = lakehouseWithOneCandle();
    runSilver(lakehouse);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    // The maintenance command's retention step: every bronze row of 2026-02-02 is deleted.
    io.marketlake.maintenance.MaintenanceCommand.run(spark,
        new io.marketlake.maintenance.MaintenanceCommand.Plan(List.of(), false, false, 168,
            java.time.LocalDate.parse("2026-02-03"), lakehouse.bronzeCandlesRaw()),
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
        "bronze.market_data_raw     DELETE ingest_date < 2026-02-03: 1 rows removed\n");
    appendBronze(lakehouse, new BronzeFixture().offsetsFrom(1)
        .add(candle("LINKUSDT", 2, "10.6"), at("2026-02-04T00:00:00Z")));

    SilverJob.SilverResult after = runSilver(lakehouse);

    assertThat(after.bronzeRowsRead()).isEqualTo(1);
    assertThat(after.candlesInserted()).isEqualTo(1);
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=10.5", "LINKUSDT@2=10.6");
  }

  private void appendBronze(Lakehouse lakehouse, BronzeFixture rows) {
    rows.toDataset(spark).write().format("delta").mode("append").partitionBy("ingest_date")
        .save(lakehouse.bronzeCandlesRaw());
  }

  private List<String> silver(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.silverCandles1m())
        .orderBy("symbol", "open_time").collectAsList().stream()
        .map(r -> r.getAs("symbol") + "@"
            + (r.<java.sql.Timestamp>getAs("open_time").getTime() - BronzeFixture.T0) / 60_000
            + "=" + r.<BigDecimal>getAs("close").stripTrailingZeros().toPlainString())
        .toList();
  }

  private List<Row> silverRows(Lakehouse lakehouse) {
    return spark.read().format("delta").load(lakehouse.silverCandles1m())
        .drop("silver_updated_at").orderBy("symbol", "open_time").collectAsList();
  }

  private long lastVersion(String table) {
    return io.delta.tables.DeltaTable.forPath(spark, table).history(1).first()
        .<Long>getAs("version");
  }

  private static void deleteRecursively(Path path) throws java.io.IOException {
    try (var files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
