package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.TestSpark;
import io.marketlake.gold.GoldConfig;
import io.marketlake.gold.GoldJob;
import io.marketlake.gold.TrainConfig;
import io.marketlake.gold.TrainJob;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every SQL cell of the notebooks, in notebook order, against a lakehouse on {@code file:}
 * built by the real silver, gold and train jobs from a literal bronze table: 2 symbols × 10 hours
 * of 1m candles plus one bad candle. Widgets become named parameters, as on Databricks; the
 * schema gets a location under the test's directory.
 */
class NotebookSqlIT {
  private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
  private static final int MINUTES = 600;
  @TempDir static Path dir;
  private static SparkSession spark;
  private static Lakehouse lakehouse;
  private static String schema;
  /** Rows of the last statement of each cell, by "notebook#cell". */
  private static final Map<String, List<Row>> results = new LinkedHashMap<>();

  @BeforeAll
  static void buildLakehouseAndRunNotebooks() throws Exception {
    spark = TestSpark.get();
    lakehouse = new Lakehouse(dir.resolve("lakehouse").toUri().toString());
    LayerContext ctx = TestSpark.context(lakehouse);
    LiteralBronze.write(spark, lakehouse.bronzeCandlesRaw(), SYMBOLS, MINUTES);
    new SilverJob(SilverConfig.defaults()).run(ctx);
    new GoldJob(GoldConfig.defaults()).run(ctx);
    new TrainJob(TrainConfig.defaults().withFolds(2)).run(ctx);

    schema = "marketlake_nb_" + Long.toHexString(System.nanoTime());
    // The notebook's CREATE SCHEMA IF NOT EXISTS then finds it: no warehouse directory in the tree.
    spark.sql("CREATE SCHEMA " + schema + " LOCATION '" + dir.resolve("schema").toUri() + "'");

    for (Path path : DatabricksNotebook.all()) {
      DatabricksNotebook notebook = DatabricksNotebook.parse(path);
      if (!notebook.language().equals("sql")) continue;
      Map<String, Object> widgets = new HashMap<>(notebook.widgets());
      widgets.put("lakehouse", lakehouse.root());
      widgets.put("schema", schema);
      for (DatabricksNotebook.Cell cell : notebook.cells()) {
        List<Row> last = null;
        for (String sql : cell.sqlStatements()) {
          Map<String, Object> args = new HashMap<>();
          cell.markers().forEach(m -> args.put(m, widgets.get(m)));
          try {
            last = spark.sql(sql, args).collectAsList();
          } catch (Exception e) { // AnalysisException is checked, though Scala does not say so
            throw new AssertionError(notebook.name() + " cell " + cell.number() + " ("
                + cell.title() + ") failed: " + e.getMessage() + "\n" + sql, e);
          }
        }
        if (last != null) results.put(notebook.name() + "#" + cell.number(), last);
      }
    }
  }

  @AfterAll
  static void dropSchema() {
    if (schema != null) spark.sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  @Test
  void setupRegistersEveryTable() {
    List<Row> tables = result("00_setup_tables.sql", "SHOW TABLES");
    assertThat(tables).extracting(r -> r.getString(1)).containsExactlyInAnyOrder(
        "bronze_market_data_raw", "silver_candles_1m", "silver_quarantine",
        "silver_quality_metrics", "silver_exchange_gaps", "silver_completeness",
        "gold_candles_5m", "gold_candles_1h", "gold_candles_1d",
        "gold_daily_change", "gold_features", "gold_model_runs", "gold_trend_predictions");
  }

  @Test
  void bronzeCellsSeeEveryRecordOnce() {
    assertThat(result("01_bronze.sql", "Rows per day")).extracting(r -> r.getLong(1))
        .containsExactly((long) SYMBOLS.size() * MINUTES + 1);
    assertThat(result("01_bronze.sql", "Exactly once")).isEmpty();
  }

  @Test
  void silverCellsShowCandlesAndTheQuarantinedOne() {
    assertThat(result("02_silver.sql", "Candles per symbol")).extracting(r -> r.getLong(2))
        .containsOnly((long) MINUTES).hasSize(SYMBOLS.size());
    assertThat(result("02_silver.sql", "Gaps")).isEmpty();
    // 600 minutes from 00:00, every one present; the quarantined candle is no minute of silver.
    assertThat(result("02_silver.sql", "Completeness per symbol")).extracting(
        r -> r.getString(1) + " " + r.getLong(2) + " " + r.getLong(5) + " " + r.get(6))
        .containsExactly("BTCUSDT 600 0 100.0", "ETHUSDT 600 0 100.0");
    assertThat(result("02_silver.sql", "Missing ranges")).isEmpty();
    assertThat(result("02_silver.sql", "Why were rows refused")).extracting(r -> r.getString(0))
        .containsExactly("positive_prices");
    assertThat(result("02_silver.sql", "The table's history")).isNotEmpty();
  }

  @Test
  void goldAndPredictionCellsShowEverySymbol() {
    assertThat(result("03_gold.sql", "Last price")).hasSize(SYMBOLS.size());
    assertThat(result("03_gold.sql", "Hourly candles")).hasSize(MINUTES / 60);
    assertThat(result("03_gold.sql", "Features")).hasSize(SYMBOLS.size());
    assertThat(result("04_predictions.sql", "Every model version")).hasSize(1);
    assertThat(result("04_predictions.sql", "The newest model's latest"))
        .extracting(r -> r.getString(0)).containsExactlyElementsOf(SYMBOLS);
    assertThat(result("04_predictions.sql", "Were the predictions right")).isNotEmpty();
  }

  @Test
  void maintenanceKeepsEveryRow() {
    assertThat(results).containsKey("05_maintenance.sql#5");
    assertThat(spark.read().format("delta").load(lakehouse.bronzeCandlesRaw()).count())
        .isEqualTo((long) SYMBOLS.size() * MINUTES + 1);
  }

  /** The rows of the cell of {@code notebook} whose first comment starts with {@code title}. */
  private static List<Row> result(String notebook, String title) throws AssertionError {
    try {
      DatabricksNotebook parsed = DatabricksNotebook.parse(
          LayerJars.projectRoot().resolve("notebooks").resolve(notebook));
      DatabricksNotebook.Cell cell = parsed.cells().stream()
          .filter(c -> c.title().startsWith(title)).findFirst()
          .orElseThrow(() -> new AssertionError(notebook + " has no cell '" + title + "'"));
      return results.get(notebook + "#" + cell.number());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
