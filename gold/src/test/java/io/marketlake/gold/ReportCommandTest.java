package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketlake.common.ChartResources;
import io.marketlake.common.EchartsWebJar;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.TestSpark;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  // The report's chart colours: the candle green and red it shares with the dashboard
  // (charts.js), and the prediction markers' own blue (up) and amber (down) (report.js).
  private static final int CANDLE_UP = 0x16a34a;
  private static final int CANDLE_DOWN = 0xdc2626;
  private static final int PREDICTION_UP = 0x2563eb;
  private static final int PREDICTION_DOWN = 0xd97706;
  private static final String DATA_TAG = "<script type=\"application/json\" id=\"report-data\">";

  private final SparkSession spark = TestSpark.get();
  private final SyntheticCandles input = new SyntheticCandles()
      .path("LINKUSDT", 600, 1, 0.001, 0, 0).path("NEARUSDT", 600, 2, 0.001, 0, 0);
  @TempDir Path dir;

  @Test
  void aSelfContainedPageWithTheChartsDataTilesAndModelTable() throws Exception {
    String html = Files.readString(report(), StandardCharsets.UTF_8);
    List<Script> scripts = scripts(html);
    // Asserted on without the scripts: a failure then prints kilobytes, not ECharts' megabyte.
    String markup = markupOutside(html, scripts);
    assertThat(markup).startsWith("<!DOCTYPE html>").endsWith("</html>\n");

    // Self-contained: four inline scripts, none with a src, and outside them the markup names
    // no resource at all. The URLs inside ECharts (licence, XML namespaces) are never fetched;
    // it is the WebJar's build unchanged. The chart script shared with the dashboard comes
    // before the page's own, which uses it; neither fetches anything.
    assertThat(scripts).extracting(Script::tag)
        .containsExactly("<script>", "<script>", DATA_TAG, "<script>");
    assertThat(markup).doesNotContain("src=", "href=", "<link", "url(", "@import", "http:",
        "https:", "<img", "<iframe", "<object", "<embed");
    assertThat(scripts.get(0).body().strip().equals(resource(EchartsWebJar.minJsPath()).strip()))
        .as("the first script is the WebJar's echarts.min.js, unchanged").isTrue();
    assertThat(scripts.get(1).body().strip()).isEqualTo(resource(ChartResources.SCRIPT).strip())
        .contains("window.MarketlakeCharts =")
        .doesNotContain("fetch(", "XMLHttpRequest", "import(", "http:", "https:", ".src");
    assertThat(scripts.get(3).body().strip()).isEqualTo(resource(ReportHtml.SCRIPT).strip())
        .contains("window.MarketlakeCharts")
        .doesNotContain("fetch(", "XMLHttpRequest", "import(", "http:", "https:", ".src");
    // Both stylesheets inlined, the shared one first: the page's own builds on it.
    String sharedStyle = resource(ChartResources.STYLE).strip();
    String ownStyle = resource(ReportHtml.STYLE).strip();
    assertThat(markup).contains(sharedStyle, ownStyle);
    assertThat(markup.indexOf(sharedStyle)).isLessThan(markup.indexOf(ownStyle));

    // The data the charts are drawn from, read back as the page's script reads it.
    JsonNode data = new ObjectMapper().readTree(scripts.get(2).body());
    assertThat(data.get("window").asText()).isEqualTo("1h");
    assertThat(data.get("stepMillis").asLong()).isEqualTo(3_600_000);
    assertThat(data.get("symbols")).extracting(s -> s.get("symbol").asText())
        .containsExactly("LINKUSDT", "NEARUSDT");
    for (JsonNode symbol : data.get("symbols")) {
      // Ten hourly candles from 600 minutes, each as computed here from the same 1m candles.
      List<List<Double>> candles = StreamSupport.stream(symbol.get("candles").spliterator(), false)
          .map(k -> StreamSupport.stream(k.spliterator(), false).map(JsonNode::asDouble).toList())
          .toList();
      assertThat(candles).hasSize(10)
          .isEqualTo(hourly(symbol.get("symbol").asText()));
    }
    // Exactly the newest model's three predictions; v1's older one is not there.
    assertThat(data.get("symbols").get(0).get("predictions")).extracting(
            p -> Instant.ofEpochMilli(p.get("asOf").asLong()).toString(),
            p -> p.get("horizonMinutes").asInt(), p -> p.get("probabilityUp").asDouble(),
            p -> p.get("direction").asText())
        .containsExactly(tuple("2026-02-01T09:57:00Z", 15, 0.42, "down"),
            tuple("2026-02-01T09:58:00Z", 15, 0.55, "up"),
            tuple("2026-02-01T09:59:00Z", 15, 0.61, "up"));
    assertThat(data.get("symbols").get(1).get("predictions")).isEmpty();
    assertThat(data.get("modelRuns")).extracting(r -> r.get("version").asInt(),
            r -> Instant.ofEpochMilli(r.get("trainedAt").asLong()).toString(),
            r -> r.get("testRows").asLong(), r -> r.get("testAuc").asDouble(),
            r -> r.get("testAccuracy").asDouble(), r -> r.get("testBalancedAccuracy").asDouble(),
            r -> r.get("majorityAccuracy").asDouble(), r -> r.get("lastMoveAccuracy").asDouble())
        .containsExactly(tuple(1, "2026-02-01T00:00:00Z", 900L, 0.490, 0.495, 0.494, 0.501, 0.483),
            tuple(2, "2026-02-02T00:00:00Z", 900L, 0.512, 0.507, 0.506, 0.501, 0.483));

    // Readable without script: a chart element per symbol and the model's, the figures and the
    // model table are HTML.
    assertThat(markup).contains("<noscript><p class=\"panel\">The charts need JavaScript",
        "id=\"chart-0\"", "id=\"chart-1\"", "id=\"model-chart\"",
        "<tr><td>v1</td><td>2026-02-01T00:00:00Z</td><td>900</td><td>0.490</td><td>0.495</td>"
            + "<td>0.494</td><td>0.501</td><td>0.483</td></tr>",
        "<tr><td>v2</td><td>2026-02-02T00:00:00Z</td><td>900</td><td>0.512</td><td>0.507</td>"
            + "<td>0.506</td><td>0.501</td><td>0.483</td></tr>");
    String link = markup.substring(markup.indexOf("<h2>LINKUSDT</h2>"),
        markup.indexOf("<h2>NEARUSDT"));
    String near = markup.substring(markup.indexOf("<h2>NEARUSDT</h2>"),
        markup.indexOf("<h2>Model"));
    assertThat(link).contains("<span class=\"price\">last ",
        "next 15m: <b class=\"pred-up\">&#9650; up</b> (P(up) 0.610, as of 2026-02-01T09:59:00Z)",
        // Completeness from silver's ledger: LINKUSDT has one, NEARUSDT none yet.
        "<span class=\"completeness\">complete 99.93% (1 missing range, 1 min)</span>");
    assertThat(near).contains("<span class=\"price\">last ")
        .doesNotContain("class=\"completeness\"", "next 15m");
  }

  @Test
  void theDataCannotEndItsScriptElement() throws Exception {
    String name = "</script><script>alert(1)</script>";
    String json = ReportHtml.data(RollupWindow.ONE_HOUR, List.of(new ReportHtml.SymbolSeries(
        name, List.of(), 1, 0, List.of(), null)), List.of());

    assertThat(json).doesNotContain("</");
    assertThat(new ObjectMapper().readTree(json).get("symbols").get(0).get("symbol").asText())
        .isEqualTo(name);
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
    String page = Files.readString(html, StandardCharsets.UTF_8);
    Path withoutScripts = Files.writeString(dir.resolve("without-scripts.html"),
        markupOutside(page, scripts(page)));

    BufferedImage drawn = screenshot(chromium.get(), html);
    BufferedImage plain = screenshot(chromium.get(), withoutScripts);

    assertThat(drawn.getWidth()).isEqualTo(1280);
    // Drawn by the script, not just laid out: beyond what the page shows without its scripts
    // (coloured words in the tiles and the legend), the screenshot holds both candle colours and
    // both marker colours.
    assertThat(pixelsNear(drawn, CANDLE_UP) - pixelsNear(plain, CANDLE_UP)).isGreaterThan(1000);
    assertThat(pixelsNear(drawn, CANDLE_DOWN) - pixelsNear(plain, CANDLE_DOWN))
        .isGreaterThan(1000);
    // LINKUSDT's two markers: the latest (up) at 18 px, the newest down at 12 px.
    assertThat(pixelsNear(drawn, PREDICTION_UP) - pixelsNear(plain, PREDICTION_UP))
        .isGreaterThan(60);
    assertThat(pixelsNear(drawn, PREDICTION_DOWN) - pixelsNear(plain, PREDICTION_DOWN))
        .isGreaterThan(25);
  }

  /** A lakehouse with two symbols' 1h rollups, two model versions and their predictions. */
  private Path report() throws Exception {
    Lakehouse lakehouse = new Lakehouse(dir.toUri().toString());
    Rollups.rollup(input.toDataset(spark), RollupWindow.ONE_HOUR)
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
    Files.writeString(out, ReportQuery.html(ReportQuery.read(TestSpark.context(lakehouse), "1h",
        7)));
    return out;
  }

  /**
   * The hourly candles of {@code symbol} from the 1m input, worked out here without Spark, as
   * the page's data holds them: [open time, open (first minute's), close (last minute's), low
   * (min), high (max), volume (sum)].
   */
  private List<List<Double>> hourly(String symbol) {
    Map<Long, List<Row>> byHour = new TreeMap<>();
    input.toDataset(spark).collectAsList().stream()
        .filter(r -> r.<String>getAs("symbol").equals(symbol))
        .sorted(Comparator.comparing(r -> r.<Timestamp>getAs("open_time")))
        .forEach(r -> byHour.computeIfAbsent(
            r.<Timestamp>getAs("open_time").getTime() / 3_600_000 * 3_600_000,
            hour -> new ArrayList<>()).add(r));
    List<List<Double>> candles = new ArrayList<>();
    byHour.forEach((hour, minutes) -> candles.add(List.of((double) hour,
        amount(minutes.get(0), "open").doubleValue(),
        amount(minutes.get(minutes.size() - 1), "close").doubleValue(),
        minutes.stream().map(r -> amount(r, "low")).min(Comparator.naturalOrder()).orElseThrow()
            .doubleValue(),
        minutes.stream().map(r -> amount(r, "high")).max(Comparator.naturalOrder()).orElseThrow()
            .doubleValue(),
        minutes.stream().map(r -> amount(r, "volume")).reduce(BigDecimal.ZERO, BigDecimal::add)
            .doubleValue())));
    return candles;
  }

  private static BigDecimal amount(Row row, String field) {
    return row.getAs(field);
  }

  /** A script element: its opening tag and its text. */
  private record Script(String tag, String body, int start, int end) {}

  private static List<Script> scripts(String html) {
    List<Script> scripts = new ArrayList<>();
    for (int at = html.indexOf("<script"); at >= 0; ) {
      int body = html.indexOf('>', at) + 1;
      int close = html.indexOf("</script>", body);   // what ends the element for a browser too
      scripts.add(new Script(html.substring(at, body), html.substring(body, close), at,
          close + "</script>".length()));
      at = html.indexOf("<script", close);
    }
    return scripts;
  }

  private static String markupOutside(String html, List<Script> scripts) {
    StringBuilder markup = new StringBuilder();
    int from = 0;
    for (Script s : scripts) {
      markup.append(html, from, s.start());
      from = s.end();
    }
    return markup.append(html.substring(from)).toString();
  }

  private static String resource(String path) throws Exception {
    try (InputStream in = ReportCommandTest.class.getClassLoader().getResourceAsStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The page in headless Chromium, once its script has drawn (5 s of virtual time). */
  private BufferedImage screenshot(Path chromium, Path html) throws Exception {
    String name = html.getFileName().toString().replace(".html", "");
    Path png = dir.resolve(name + ".png");
    Path log = dir.resolve(name + "-chromium.log");
    Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--user-data-dir=" + dir.resolve(name + "-profile"),
        "--virtual-time-budget=5000", "--screenshot=" + png, "--window-size=1280,1500",
        html.toUri().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = browser.waitFor(3, TimeUnit.MINUTES);
    if (!exited) browser.destroyForcibly();

    assertThat(exited).as("chromium exited within 3 minutes").isTrue();
    assertThat(browser.exitValue()).as(Files.readString(log)).isZero();
    return ImageIO.read(png.toFile());
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
