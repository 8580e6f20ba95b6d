package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.launcher.DemoConfig;
import io.marketlake.launcher.Demo;
import io.marketlake.bronze.BronzeConfig;
import io.marketlake.bronze.BronzeJob;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.StackEndpoints;
import io.marketlake.ingest.Backfill;
import io.marketlake.ingest.IngestConfig;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline against the real local Kafka broker and S3 server: 2 symbols × 3 days of
 * 1m candles through ingest → bronze → silver → gold → model, with exact counts.
 */
class PipelineIT {
  private static final List<String> SYMBOLS = List.of("LINKUSDT", "NEARUSDT");
  private static final LocalDate LAST_DAY = LocalDate.of(2026, 2, 4);
  private static final long CANDLES = 2 * 3 * 1440;

  @TempDir Path workdir;

  @Test
  void ingestBronzeSilverGoldModelWithExactCounts() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    DemoConfig config = new DemoConfig(workdir, SYMBOLS, 3, LAST_DAY, 7, 15, 3, false, false);
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir).withSeed(7))) {
      Demo.DemoResult result =
          new Demo(config, new PrintStream(log, true, StandardCharsets.UTF_8)).runOn(stack);

      assertThat(result.backfill().candles()).isEqualTo(CANDLES);
      Map<String, Long> rows = result.tableRows();
      assertThat(rows).containsEntry("bronze.market_data_raw", CANDLES)
          .containsEntry("silver.candles_1m", CANDLES)
          .containsEntry("silver.quarantine", 0L)
          .containsEntry("gold.candles_5m", 2 * 3 * 288L)
          .containsEntry("gold.candles_1h", 144L)
          .containsEntry("gold.candles_1d", 6L)
          .containsEntry("gold.daily_change", 2L)
          .containsEntry("gold.features", CANDLES - 2 * io.marketlake.gold.Features.MAX_LAG)
          .containsEntry("gold.model_runs", 1L);
      assertThat(result.model().metrics().auc()).isBetween(0.0, 1.0);
      assertThat(result.predictions()).extracting(p -> p.symbol()).containsExactlyElementsOf(
          SYMBOLS);

      StackEndpoints endpoints = stack.endpoints();
      Lakehouse lakehouse = endpoints.lakehouseLocation();
      LayerContext ctx = LayerContext.of(SparkSession.active(), lakehouse, endpoints.s3());
      SparkSession spark = ctx.spark();
      BronzeConfig bronze = BronzeConfig.defaults(endpoints.kafkaBootstrap())
          .withTopic(endpoints.topic());

      // Bronze again with nothing new in Kafka: nothing appended.
      assertThat(new BronzeJob(bronze).run(ctx).rowsWritten()).isZero();
      assertThat(count(spark, lakehouse.bronzeCandlesRaw())).isEqualTo(CANDLES);

      // Every candle published a second time (a re-run backfill with no resume state): bronze
      // keeps both copies, as a system of record should, and silver still has one per candle.
      Backfill.run(IngestConfig.of(endpoints.exchangeUrl(), SYMBOLS, endpoints.kafkaBootstrap())
              .withTopic(endpoints.topic()).withStateDir(workdir.resolve("second-state"))
              .withProgress(false),
          LAST_DAY.minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant(),
          LAST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant());
      assertThat(new BronzeJob(bronze).run(ctx).rowsWritten()).isEqualTo(CANDLES);
      assertThat(spark.read().format("delta").load(lakehouse.bronzeCandlesRaw())
          .select("topic", "partition", "offset").distinct().count()).isEqualTo(2 * CANDLES);
      SilverJob.SilverResult silver = new SilverJob(SilverConfig.defaults()).run(ctx);
      assertThat(silver.bronzeRowsRead()).isEqualTo(CANDLES);
      assertThat(silver.candlesInserted()).isZero();
      assertThat(spark.read().format("delta").load(lakehouse.silverCandles1m())
          .select("symbol", "open_time").distinct().count()).isEqualTo(CANDLES);

      // The tables are plain Delta tables in the S3 server's directory: read them as files.
      Path silverFiles = stack.s3().dataDir().resolve(EmbeddedStack.BUCKET)
          .resolve("lakehouse/silver/candles_1m");
      assertThat(silverFiles.resolve("_delta_log/00000000000000000000.json")).isRegularFile();
      assertThat(count(spark, silverFiles.toUri().toString())).isEqualTo(CANDLES);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("[7/7] Counting rows");
  }

  private static long count(SparkSession spark, String table) {
    return spark.read().format("delta").load(table).count();
  }
}
