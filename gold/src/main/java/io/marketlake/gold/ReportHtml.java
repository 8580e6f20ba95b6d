package io.marketlake.gold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketlake.common.ChartResources;
import io.marketlake.common.EchartsWebJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders the report: one self-contained HTML page that fetches nothing, so it opens from a file
 * without a server. Apache ECharts (from its WebJar), the candle chart script and stylesheet shared
 * with the live dashboard ({@link ChartResources}), the page's own script and style, and the data
 * as one JSON object are inlined; the scripts draw the charts from that JSON. The figures and tables
 * are plain HTML, readable with scripts off. Data in, text out; only the inlined files are read,
 * from the classpath.
 */
final class ReportHtml {
  /** One rollup window; {@code volume} is null when none of its 1m candles had one. */
  record Candle(Instant start, double open, double high, double low, double close,
      Double volume) {}

  /**
   * One symbol's chart: its candles by time, its 24h figures, the newest model's predictions, and
   * its completeness from the ledger ({@code null} without a ledger).
   */
  record SymbolSeries(String symbol, List<Candle> candles, double lastPrice, double change24hPct,
      List<Prediction> predictions, String completeness) {
    Prediction latest() {
      return predictions.isEmpty() ? null : predictions.get(predictions.size() - 1);
    }
  }

  /** A prediction of the newest model; {@code predictions} lists are ordered by {@code asOf}. */
  record Prediction(Instant asOf, int horizonMinutes, double probabilityUp, String direction) {}

  /** One trained model version and its walk-forward metrics. */
  record ModelRun(int version, Instant trainedAt, double testAuc, double testAccuracy,
      double testBalancedAccuracy, double majorityAccuracy, double lastMoveAccuracy,
      long testRows) {}

  /** The page's own script: draws the charts from the inline JSON. */
  static final String SCRIPT = "io/marketlake/gold/report.js";
  /** The page's own style, on top of {@link ChartResources#STYLE}. */
  static final String STYLE = "io/marketlake/gold/report.css";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportHtml() {}

  static String render(String title, RollupWindow window, List<SymbolSeries> series,
      List<ModelRun> runs, Instant generatedAt) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append(resource(ChartResources.STYLE)).append("</style>\n<style>\n")
        .append(resource(STYLE)).append("</style></head><body>\n");
    h.append("<header class=\"topbar\"><h1>").append(escape(title)).append("</h1>")
        .append("<span class=\"muted\">generated ").append(generatedAt).append("</span></header>")
        .append("\n<main>\n<noscript><p class=\"panel\">The charts need JavaScript; the figures")
        .append(" and tables below do not.</p></noscript>\n<p class=\"note\">")
        .append(window.label()).append(" candles from the gold rollups (UTC), volume below;")
        .append(" triangles mark the newest model's predictions: <span class=\"pred-up\">")
        .append("&#9650; up</span> under the candle, <span class=\"pred-down\">&#9660; down")
        .append("</span> over it, the latest larger.</p>\n<section class=\"symbols\">\n");
    for (int i = 0; i < series.size(); i++) symbol(h, series.get(i), i, window);
    h.append("</section>\n");
    models(h, runs);
    h.append("</main>\n<script>\n").append(script(EchartsWebJar.minJsPath()))
        .append("\n</script>\n<script>\n").append(script(ChartResources.SCRIPT))
        .append("</script>\n<script type=\"application/json\" id=\"report-data\">")
        .append(data(window, series, runs)).append("</script>\n<script>\n")
        .append(script(SCRIPT)).append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void symbol(StringBuilder h, SymbolSeries s, int index, RollupWindow window) {
    h.append("<article class=\"panel symbol-card\"><header><h2>").append(escape(s.symbol()))
        .append("</h2>")
        .append(String.format(Locale.ROOT, "<span class=\"price\">last %s</span>",
            number(s.lastPrice())))
        .append(String.format(Locale.ROOT, "<span class=\"chg %s\">24h %+.2f%%</span>",
            s.change24hPct() >= 0 ? "up" : "down", s.change24hPct()));
    if (s.completeness() != null) {
      h.append("<span class=\"completeness\">complete ").append(escape(s.completeness()))
          .append("</span>");
    }
    Prediction p = s.latest();
    if (p != null) {
      h.append(String.format(Locale.ROOT,
          "<span class=\"pred\">next %dm: <b class=\"pred-%s\">%s</b> (P(up) %.3f, as of %s)"
              + "</span>", p.horizonMinutes(), p.direction(), p.direction().equals("up")
              ? "&#9650; up" : "&#9660; down", p.probabilityUp(), p.asOf()));
    }
    h.append("</header>\n<div class=\"chart\" id=\"chart-").append(index)
        .append("\" role=\"img\" aria-label=\"").append(escape(s.symbol())).append(' ')
        .append(window.label()).append(" candles, volume and predictions\"></div></article>\n");
  }

  private static void models(StringBuilder h, List<ModelRun> runs) {
    h.append("<article class=\"panel\"><h2>Model versions: walk-forward test metrics</h2>\n");
    if (runs.isEmpty()) {
      h.append("<p>No model trained yet.</p></article>\n");
      return;
    }
    h.append("<table class=\"grid-table\"><tr><th>version</th><th>trained</th>")
        .append("<th>test rows</th><th>test AUC</th><th>accuracy</th><th>balanced accuracy</th>")
        .append("<th>majority baseline</th><th>last-move baseline</th></tr>\n");
    for (ModelRun r : runs) {
      h.append(String.format(Locale.ROOT, "<tr><td>v%d</td><td>%s</td><td>%d</td>"
              + "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
          r.version(), r.trainedAt(), r.testRows(), r.testAuc(), r.testAccuracy(),
          r.testBalancedAccuracy(), r.majorityAccuracy(), r.lastMoveAccuracy()));
    }
    h.append("</table>\n<div class=\"model-chart\" id=\"model-chart\" role=\"img\"")
        .append(" aria-label=\"test AUC and accuracy per model version against both baselines")
        .append(" and chance\"></div></article>\n");
  }

  /**
   * The charts' data as JSON, times in epoch milliseconds like the dashboard's API: candles as
   * {@code [openTime, open, close, low, high, volume]} (ECharts' candlestick order).
   */
  static String data(RollupWindow window, List<SymbolSeries> series, List<ModelRun> runs) {
    ObjectNode root = JSON.createObjectNode();
    root.put("window", window.label()).put("stepMillis", window.seconds() * 1000);
    ArrayNode symbols = root.putArray("symbols");
    for (SymbolSeries s : series) {
      ObjectNode symbol = symbols.addObject().put("symbol", s.symbol());
      ArrayNode candles = symbol.putArray("candles");
      for (Candle c : s.candles()) {
        candles.addArray().add(c.start().toEpochMilli()).add(c.open()).add(c.close())
            .add(c.low()).add(c.high()).add(c.volume());
      }
      ArrayNode predictions = symbol.putArray("predictions");
      for (Prediction p : s.predictions()) {
        predictions.addObject().put("asOf", p.asOf().toEpochMilli())
            .put("horizonMinutes", p.horizonMinutes()).put("probabilityUp", p.probabilityUp())
            .put("direction", p.direction());
      }
    }
    ArrayNode models = root.putArray("modelRuns");
    for (ModelRun r : runs) {
      models.addObject().put("version", r.version())
          .put("trainedAt", r.trainedAt().toEpochMilli()).put("testRows", r.testRows())
          .put("testAuc", r.testAuc()).put("testAccuracy", r.testAccuracy())
          .put("testBalancedAccuracy", r.testBalancedAccuracy())
          .put("majorityAccuracy", r.majorityAccuracy())
          .put("lastMoveAccuracy", r.lastMoveAccuracy());
    }
    try {
      // "</" only occurs inside JSON strings, where "<\/" reads the same: no "</script" left.
      return JSON.writeValueAsString(root).replace("</", "<\\/");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the report's data as JSON", e);
    }
  }

  /** A script to inline as is: a "</script" in it would end the element early. */
  private static String script(String path) {
    String text = resource(path);
    if (text.toLowerCase(Locale.ROOT).contains("</script")) {
      throw new IllegalStateException(path + " contains '</script' and cannot be inlined");
    }
    return text;
  }

  private static String resource(String path) {
    try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException(path + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + " from the classpath", e);
    }
  }

  private static String number(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.2f", v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
