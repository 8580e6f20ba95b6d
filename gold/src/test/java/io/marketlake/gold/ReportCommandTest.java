package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  private final SparkSession spark = TestSpark.get();
  @TempDir Path dir;

  @Test
  void aSelfContainedPageWithAChartPerSymbolPredictionsAndModelMetrics() throws Exception {
    Path out = report();

    String html = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    assertThat(html.split("<svg ", -1)).hasSize(1 + 2 + 1);   // two symbols and the model chart
    assertThat(html).contains("<h2>LINKUSDT</h2>", "<h2>NEARUSDT</h2>",
        "next 15m: &#9650; up (P(up) 0.610, as of 2026-02-01T09:59:00Z)",
        "<tr><td>v1</td><td>2026-02-01T00:00:00Z</td><td>900</td><td>0.490</td><td>0.495</td>"
            + "<td>0.494</td><td>0.501</td><td>0.483</td></tr>",
        "<tr><td>v2</td><td>2026-02-02T00:00:00Z</td><td>900</td><td>0.512</td><td>0.507</td>"
            + "<td>0.506</td><td>0.501</td><td>0.483</td></tr>",
        "last-move baseline", "majority baseline");
    // Self-contained: no script, no stylesheet or image fetched from anywhere.
    assertThat(html).doesNotContain("<script", "<link", "src=", "https://", "url(");
    assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");

    String link = html.substring(html.indexOf("<h2>LINKUSDT</h2>"), html.indexOf("<h2>NEARUSDT"));
    String near = html.substring(html.indexOf("<h2>NEARUSDT</h2>"), html.indexOf("<h2>Model"));
    // Ten hourly closes per symbol, each a point of its polyline.
    String points = link.substring(link.indexOf("points=\"") + 8);
    assertThat(points.substring(0, points.indexOf('"')).split(" ")).hasSize(10);
    // The newest model's three predictions are marked; v1's older one is not.
    assertThat(link.split("class=\"prediction up\"", -1)).hasSize(1 + 2);
    assertThat(link.split("class=\"prediction down\"", -1)).hasSize(1 + 1);
    assertThat(link).doesNotContain("09:30:00Z");
    assertThat(near).doesNotContain("class=\"prediction");
    // Completeness from silver's ledger: LINKUSDT has one, NEARUSDT none yet.
    assertThat(link).contains(
        "<span class=\"tile completeness\">complete 99.93% (1 missing range, 1 min)</span>");
    assertThat(near).doesNotContain("tile completeness");
  }

  @Test
  void rendersInHeadlessChromium() throws Exception {
    Optional<Path> chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
        .flatMap(name -> Stream.of(System.getenv().getOrDefault("PATH", "").split(
            File.pathSeparator)).map(d -> Path.of(d, name)))
        .filter(Files::isExecutable).findFirst();
    assumeTrue(chromium.isPresent(), "Chromium is not installed (e.g. apt-get install -y"
        + " chromium): the render check needs a browser, the content test does not");
    Path html = report();
    Path png = dir.resolve("report.png");

    Process browser = new ProcessBuilder(chromium.get().toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + dir.resolve("chromium-profile"), "--screenshot=" + png,
        "--window-size=1280,1400", html.toUri().toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
    boolean exited = browser.waitFor(3, TimeUnit.MINUTES);
    if (!exited) browser.destroyForcibly();

    assertThat(exited).as("chromium exited within 3 minutes").isTrue();
    assertThat(browser.exitValue()).as(Files.readString(dir.resolve("chromium.log"))).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);
    // Drawn, not just laid out: the price lines' blue and the up-markers' green are on screen.
    assertThat(pixelsNear(image, 0x2f6fdf)).isGreaterThan(500);
    assertThat(pixelsNear(image, 0x0a7d32)).isGreaterThan(50);
  }

  /** A lakehouse with two symbols' 1h rollups, two model versions and their predictions. */
  private Path report() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Rollups.rollup(new SyntheticCandles().path("LINKUSDT", 600, 1, 0.001, 0, 0)
            .path("NEARUSDT", 600, 2, 0.001, 0, 0).toDataset(spark), RollupWindow.ONE_HOUR)
        .write().format("delta").save(lakehouse.goldCandles("1h"));
    Timestamp v1 = Timestamp.from(Instant.parse("2026-02-01T00:00:00Z"));
    Timestamp v2 = Timestamp.from(Instant.parse("2026-02-02T00:00:00Z"));
    spark.createDataFrame(List.of(
            RowFactory.create(2, v2, "models/v2", "lr", 15, "f", "{}", 3, 75, v1, v1, 1000L,
                900L, 0.512, 0.507, 0.506, 0.501, 0.483, 0.5),
            RowFactory.create(1, v1, "models/v1", "lr", 15, "f", "{}", 3, 75, v1, v1, 1000L,
                900L, 0.490, 0.495, 0.494, 0.501, 0.483, 0.5)),
        TrainJob.MODEL_RUNS).write().format("delta").save(lakehouse.goldModelRuns());
    spark.sql("SELECT * FROM VALUES"
            + " ('LINKUSDT', timestamp'2026-02-01 09:57:00', 0.42D, 'down', 2),"
            + " ('LINKUSDT', timestamp'2026-02-01 09:58:00', 0.55D, 'up', 2),"
            + " ('LINKUSDT', timestamp'2026-02-01 09:59:00', 0.61D, 'up', 2),"
            + " ('LINKUSDT', timestamp'2026-02-01 09:30:00', 0.70D, 'up', 1)"
            + " AS p(symbol, as_of, probability_up, direction, model_version)")
        .selectExpr("symbol", "as_of", "15 AS horizon_minutes", "probability_up", "direction",
            "model_version", "current_timestamp() AS predicted_at")
        .write().format("delta").save(lakehouse.goldPredictions());
    // The ledger's columns as silver writes them: 1,439 of 1,440 minutes, 10:00 missing.
    spark.sql("SELECT 'binance' AS source, 'LINKUSDT' AS symbol, DATE'2026-02-01' AS day,"
            + " 1440L AS expected_minutes, 1439L AS present_minutes,"
            + " 0L AS exchange_none_minutes, 1L AS missing_minutes,"
            + " array(named_struct('start', timestamp'2026-02-01 10:00:00',"
            + " 'end_exclusive', timestamp'2026-02-01 10:01:00')) AS missing_ranges")
        .write().format("delta").save(lakehouse.silverCompleteness());
    Path out = dir.resolve("report.html");
    java.nio.file.Files.writeString(out, ReportQuery.html(ReportQuery.read(
        TestSpark.context(lakehouse), "1h", 7)));
    return out;
  }

  private static long pixelsNear(BufferedImage image, int rgb) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        int d = Math.abs((p >> 16 & 0xff) - (rgb >> 16 & 0xff))
            + Math.abs((p >> 8 & 0xff) - (rgb >> 8 & 0xff)) + Math.abs((p & 0xff) - (rgb & 0xff));
        if (d < 60) n++;
      }
    }
    return n;
  }
}
