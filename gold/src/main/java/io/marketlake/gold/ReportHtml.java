package io.marketlake.gold;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders the report: one self-contained HTML page (inline CSS and SVG, no script, no network),
 * so it opens from a file in any browser. Pure: data in, text out.
 */
final class ReportHtml {
  /** One symbol's chart: closes over time, its 24h figures and latest prediction. */
  record SymbolSeries(String symbol, List<Instant> times, List<Double> closes, double lastPrice,
      double change24hPct, Prediction latest) {}

  record Prediction(Instant asOf, int horizonMinutes, double probabilityUp, String direction) {}

  /** One trained model version and its walk-forward metrics. */
  record ModelRun(int version, Instant trainedAt, double testAuc, double testAccuracy,
      double majorityAccuracy, double lastMoveAccuracy, long testRows) {}

  private static final int WIDTH = 920;
  private static final int HEIGHT = 220;
  private static final int PAD = 40;

  private ReportHtml() {}

  static String render(String title, String window, List<SymbolSeries> series,
      List<ModelRun> runs, Instant generatedAt) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>").append(escape(title)).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}")
        .append("h1{font-size:22px}h2{font-size:17px;margin:28px 0 6px}")
        .append(".tile{display:inline-block;margin-right:18px;color:#555}.up{color:#0a7d32}")
        .append(".down{color:#b3261e}table{border-collapse:collapse}td,th{padding:4px 10px;")
        .append("border-bottom:1px solid #ddd;text-align:right}svg{background:#fff;")
        .append("border:1px solid #e3e6ea}</style></head><body>\n");
    h.append("<h1>").append(escape(title)).append("</h1><p>Generated ")
        .append(generatedAt).append(". Charts: ").append(escape(window))
        .append(" closes from the gold rollups.</p>\n");
    for (SymbolSeries s : series) symbol(h, s);
    models(h, runs);
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void symbol(StringBuilder h, SymbolSeries s) {
    h.append("<h2>").append(escape(s.symbol())).append("</h2><div>")
        .append(String.format(Locale.ROOT, "<span class=\"tile\">last %s</span>",
            number(s.lastPrice())))
        .append(String.format(Locale.ROOT, "<span class=\"tile %s\">24h %+.2f%%</span>",
            s.change24hPct() >= 0 ? "up" : "down", s.change24hPct()));
    if (s.latest() != null) {
      Prediction p = s.latest();
      h.append(String.format(Locale.ROOT,
          "<span class=\"tile %s\">next %dm: %s (P(up) %.3f, as of %s)</span>",
          p.direction(), p.horizonMinutes(), p.direction().equals("up") ? "&#9650; up"
              : "&#9660; down", p.probabilityUp(), p.asOf()));
    }
    h.append("</div>\n").append(lineChart(s.times(), List.of(s.closes()),
        List.of("#2f6fdf"), s.symbol() + " close")).append('\n');
  }

  private static void models(StringBuilder h, List<ModelRun> runs) {
    h.append("<h2>Model versions: walk-forward test metrics</h2>\n");
    if (runs.isEmpty()) {
      h.append("<p>No model trained yet.</p>\n");
      return;
    }
    h.append("<table><tr><th>version</th><th>trained</th><th>test rows</th><th>test AUC</th>")
        .append("<th>accuracy</th><th>majority baseline</th><th>last-move baseline</th></tr>\n");
    for (ModelRun r : runs) {
      h.append(String.format(Locale.ROOT, "<tr><td>v%d</td><td>%s</td><td>%d</td>"
              + "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n", r.version(),
          r.trainedAt(), r.testRows(), r.testAuc(), r.testAccuracy(), r.majorityAccuracy(),
          r.lastMoveAccuracy()));
    }
    h.append("</table>\n");
    List<Instant> at = runs.stream().map(ModelRun::trainedAt).toList();
    h.append(lineChart(at, List.of(runs.stream().map(ModelRun::testAuc).toList(),
            runs.stream().map(ModelRun::testAccuracy).toList(),
            runs.stream().map(ModelRun::majorityAccuracy).toList()),
        List.of("#2f6fdf", "#0a7d32", "#999999"), "test AUC (blue), accuracy (green),"
            + " majority baseline (grey) per version"));
  }

  /** An SVG line chart of one or more series over the same times, scaled to their range. */
  static String lineChart(List<Instant> times, List<List<Double>> series, List<String> colors,
      String label) {
    double min = series.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).min()
        .orElse(0);
    double max = series.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max()
        .orElse(1);
    if (max == min) {
      max += 0.5;
      min -= 0.5;
    }
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\""
            + " aria-label=\"%s\">", WIDTH, HEIGHT, escape(label)));
    int n = times.size();
    for (int k = 0; k < series.size(); k++) {
      StringBuilder points = new StringBuilder();
      List<Double> values = series.get(k);
      for (int i = 0; i < values.size(); i++) {
        double x = PAD + (n <= 1 ? 0 : (WIDTH - 2.0 * PAD) * i / (n - 1));
        double y = HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * (values.get(i) - min) / (max - min);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(colors.get(k))
          .append("\" points=\"").append(points.toString().strip()).append("\"/>");
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>",
        PAD - 8, number(max)));
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%s</text>",
        HEIGHT - PAD + 14, number(min)));
    if (n > 0) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
          PAD, HEIGHT - 6, times.get(0)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\""
          + " text-anchor=\"end\">%s</text>", WIDTH - PAD, HEIGHT - 6, times.get(n - 1)));
    }
    return svg.append("</svg>").toString();
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
