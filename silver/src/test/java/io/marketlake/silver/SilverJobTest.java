package io.marketlake.silver;

import static io.marketlake.silver.BronzeFixture.at;
import static io.marketlake.silver.BronzeFixture.candle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.spark.TestSpark;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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

    SilverJob.SilverResult first = new SilverJob(config(lakehouse)).run(spark);

    assertThat(first.bronzeRowsRead()).isEqualTo(5);
    assertThat(first.candlesInserted()).isEqualTo(2);
    assertThat(first.candlesUpdated()).isZero();
    assertThat(first.quarantined()).isEqualTo(1);
    assertThat(first.otherKinds()).isEqualTo(1);
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=10.5", "LINKUSDT@2=10.6");
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + lakehouse.silverCandles1m() + "`").first();
    assertThat(detail.<String, String>getJavaMap(detail.fieldIndex("properties")))
        .containsEntry("delta.enableChangeDataFeed", "true");
    assertThat(detail.<String>getList(detail.fieldIndex("partitionColumns")))
        .containsExactly("open_date");
    Row refused = spark.read().format("delta").load(lakehouse.silverQuarantine()).first();
    assertThat(refused.<String>getList(refused.fieldIndex("failed_rules")))
        .containsExactly("symbol_format");
    assertThat(refused.<Long>getAs("kafka_offset")).isEqualTo(3L);
    assertThat(spark.read().format("delta").load(lakehouse.silverQualityMetrics())
        .filter("rule = 'symbol_format'").selectExpr("sum(rows_failed)").first().getLong(0))
        .isEqualTo(1L);

    // Nothing new in bronze: nothing read, nothing changed.
    long version = lastVersion(lakehouse.silverCandles1m());
    assertThat(new SilverJob(config(lakehouse)).run(spark).bronzeRowsRead()).isZero();
    assertThat(lastVersion(lakehouse.silverCandles1m())).isEqualTo(version);

    // A correction arrives later, and so does a stale copy within the same batch: offset decides.
    appendBronze(lakehouse, new BronzeFixture().offsetsFrom(10)
        .add(candle("LINKUSDT", 1, "10.9"), at("2026-02-03T00:00:00Z"))
        .add(candle("LINKUSDT", 1, "11.0"), at("2026-02-03T00:00:00Z")));
    SilverJob.SilverResult correction = new SilverJob(config(lakehouse)).run(spark);
    assertThat(correction.candlesUpdated()).isEqualTo(1);
    assertThat(correction.candlesInserted()).isZero();
    assertThat(silver(lakehouse)).containsExactly("LINKUSDT@1=11", "LINKUSDT@2=10.6");

    // Reprocess all of bronze from scratch: the table content stays identical.
    List<Row> before = silverRows(lakehouse);
    deleteRecursively(Path.of(java.net.URI.create(config(lakehouse).checkpoint())));
    SilverJob.SilverResult replay = new SilverJob(config(lakehouse)).run(spark);
    assertThat(replay.bronzeRowsRead()).isEqualTo(7);
    assertThat(replay.candlesInserted() + replay.candlesUpdated()).isZero();
    assertThat(silverRows(lakehouse)).isEqualTo(before);
  }

  @Test
  void aFailRuleStopsTheRunNamingTheRuleAndASample() {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    appendBronze(lakehouse, new BronzeFixture()
        .add(candle("LINKUSDT", 1, "10.5"), at("2026-02-02T00:00:00Z")));
    SilverConfig strict = new SilverConfig(lakehouse, S3Settings.aws(null), "local[2]",
        List.of(new QualityRule("big_trades", "trades > 1000", QualityRule.Action.FAIL)), null);

    assertThatThrownBy(() -> new SilverJob(strict).run(spark))
        .isInstanceOf(SilverJob.QualityFailure.class)
        .hasMessageStartingWith("Quality rule 'big_trades' (trades > 1000) failed for 1 row(s);"
            + " e.g. {\"schema_version\":1,\"kind\":\"candle\"")
        .hasMessageEndingWith(" at md/0@0");
    assertThat(spark.read().format("delta").load(lakehouse.silverCandles1m()).count()).isZero();
  }

  private SilverConfig config(Lakehouse lakehouse) {
    return new SilverConfig(lakehouse, S3Settings.aws(null), "local[2]",
        QualityRules.defaults(), null);
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
