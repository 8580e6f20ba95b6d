package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void aSelfContainedPageWithAChartPerSymbolPredictionsAndModelMetrics() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Rollups.rollup(new SyntheticCandles().path("LINKUSDT", 600, 1, 0.001, 0, 0)
            .path("NEARUSDT", 600, 2, 0.001, 0, 0).toDataset(spark), RollupWindow.ONE_HOUR)
        .write().format("delta").save(lakehouse.goldCandles("1h"));
    Timestamp trained = Timestamp.valueOf("2026-02-02 00:00:00");
    spark.createDataFrame(List.of(RowFactory.create(1, trained, "models/v1", "lr", 15, "f",
            "{}", 3, 75, trained, trained, 1000L, 900L, 0.512, 0.507, 0.506, 0.501, 0.483, 0.5)),
        TrainJob.MODEL_RUNS).write().format("delta").save(lakehouse.goldModelRuns());
    spark.sql("SELECT 'LINKUSDT' AS symbol, timestamp'2026-02-01 09:59:00' AS as_of,"
            + " 15 AS horizon_minutes, 0.61D AS probability_up, 'up' AS direction,"
            + " 1 AS model_version, current_timestamp() AS predicted_at")
        .write().format("delta").save(lakehouse.goldPredictions());
    Path out = dir.resolve("report.html");

    ReportCommand.write(spark, lakehouse, "1h", 7, out);

    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html.split("<svg ", -1)).hasSize(1 + 2 + 1);   // two symbols and the model chart
    assertThat(html).contains("<h2>LINKUSDT</h2>", "<h2>NEARUSDT</h2>",
        "next 15m: &#9650; up (P(up) 0.610", "<td>v1</td>", "<td>0.512</td>", "<td>0.507</td>", "<td>0.501</td>");
    // Self-contained: no script, no stylesheet or image fetched from anywhere.
    assertThat(html).doesNotContain("<script", "<link", "src=", "https://");
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
    // Ten hourly closes per symbol, each a point of its polyline.
    String link = html.substring(html.indexOf("<h2>LINKUSDT</h2>"), html.indexOf("<h2>NEARUSDT"));
    String points = link.substring(link.indexOf("points=\"") + 8);
    assertThat(points.substring(0, points.indexOf('"')).split(" ")).hasSize(10);
  }
}
