package io.marketlake.gold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the report: one self-contained HTML page (inline CSS and SVG, no script, no network),
 * so it opens from a file in any browser, even with scripts off. Pure: data in, text out.
 */
final class ReportHtml {
  /**
   * One symbol's chart: closes over time, its 24h figures, the newest model's predictions, and
   * its completeness from the ledger ({@code null} without a ledger).
   */
  record SymbolSeries(String symbol, List<Instant> times, List<Double> closes, double lastPrice,
      double change24hPct, List<Prediction> predictions, String completeness) {
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

  /** A line of a chart. */
  record Line(String name, List<Double> values, String color, boolean dashed) {}

  static final String UP = "#0a7d32";
  static final String DOWN = "#b3261e";
  static final String PRICE = "#2f6fdf";
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 240;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 16;
  private static final int BOTTOM = 30;

  private ReportHtml() {}

  static String render(String title, String window, List<SymbolSeries> series,
      List<ModelRun> runs, Instant generatedAt) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>").append(escape(title)).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330;")
        .append("background:#fafbfc}h1{font-size:22px}h2{font-size:17px;margin:28px 0 6px}")
        .append(".tile{display:inline-block;margin-right:18px;color:#555}.up{color:" + UP + "}")
        .append(".down{color:" + DOWN + "}table{border-collapse:collapse;margin:8px 0}")
        .append("td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
        .append("svg{background:#fff;border:1px solid #e3e6ea;display:block}")
        .append(".note{color:#555;font-size:13px}</style></head><body>\n");
    h.append("<h1>").append(escape(title)).append("</h1><p class=\"note\">Generated ")
        .append(generatedAt).append(". Charts: ").append(escape(window))
        .append(" closes from the gold rollups (UTC); triangles mark the newest model's")
        .append(" predictions (&#9650; up, &#9660; down).</p>\n");
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
    if (s.completeness() != null) {
      h.append("<span class=\"tile completeness\">complete ").append(escape(s.completeness()))
          .append("</span>");
    }
    Prediction p = s.latest();
    if (p != null) {
      h.append(String.format(Locale.ROOT,
          "<span class=\"tile %s\">next %dm: %s (P(up) %.3f, as of %s)</span>",
          p.direction(), p.horizonMinutes(), p.direction().equals("up") ? "&#9650; up"
              : "&#9660; down", p.probabilityUp(), p.asOf()));
    }
    h.append("</div>\n");
    Chart chart = new Chart(s.times(), List.of(new Line(s.symbol() + " close", s.closes(),
        PRICE, false)), s.symbol() + " close");
    for (Prediction q : s.predictions()) {
      if (q.asOf().isBefore(s.times().get(0))) continue;
      chart.marker(q.asOf(), closeAt(s, q.asOf()), q.direction().equals("up"),
          q == p ? 7 : 4, String.format(Locale.ROOT, "%s %s P(up) %.3f", q.asOf(),
              q.direction(), q.probabilityUp()));
    }
    h.append(chart.svg()).append('\n');
  }

  /** The charted close at or before {@code t} (the rollup window holding it). */
  private static double closeAt(SymbolSeries s, Instant t) {
    double close = s.closes().get(0);
    for (int i = 0; i < s.times().size() && !s.times().get(i).isAfter(t); i++) {
      close = s.closes().get(i);
    }
    return close;
  }

  private static void models(StringBuilder h, List<ModelRun> runs) {
    h.append("<h2>Model versions: walk-forward test metrics</h2>\n");
    if (runs.isEmpty()) {
      h.append("<p>No model trained yet.</p>\n");
      return;
    }
    h.append("<table><tr><th>version</th><th>trained</th><th>test rows</th><th>test AUC</th>")
        .append("<th>accuracy</th><th>balanced accuracy</th><th>majority baseline</th>")
        .append("<th>last-move baseline</th></tr>\n");
    for (ModelRun r : runs) {
      h.append(String.format(Locale.ROOT, "<tr><td>v%d</td><td>%s</td><td>%d</td>"
              + "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td></tr>\n",
          r.version(), r.trainedAt(), r.testRows(), r.testAuc(), r.testAccuracy(),
          r.testBalancedAccuracy(), r.majorityAccuracy(), r.lastMoveAccuracy()));
    }
    h.append("</table>\n");
    List<Line> lines = List.of(
        new Line("test AUC", runs.stream().map(ModelRun::testAuc).toList(), PRICE, false),
        new Line("accuracy", runs.stream().map(ModelRun::testAccuracy).toList(), UP, false),
        new Line("majority baseline", runs.stream().map(ModelRun::majorityAccuracy).toList(),
            "#888888", true),
        new Line("last-move baseline", runs.stream().map(ModelRun::lastMoveAccuracy).toList(),
            "#d98a00", true),
        new Line("chance (0.5)", runs.stream().map(r -> 0.5).toList(), "#cccccc", true));
    h.append("<p class=\"note\">");
    for (Line l : lines) {
      h.append(String.format(Locale.ROOT, "<span class=\"tile\"><span style=\"color:%s\">"
          + "&#9632;</span> %s</span>", l.color(), escape(l.name())));
    }
    h.append("</p>\n").append(new Chart(runs.stream().map(ModelRun::trainedAt).toList(), lines,
        "test metrics per model version").svg()).append('\n');
  }

  /** An SVG chart: lines over a time axis scaled to the data, and optional markers. */
  static final class Chart {
    private final List<Instant> times;
    private final List<Line> lines;
    private final String label;
    private final List<String> markers = new ArrayList<>();
    private final long t0;
    private final long t1;
    private final double min;
    private final double max;

    Chart(List<Instant> times, List<Line> lines, String label) {
      this.times = times;
      this.lines = lines;
      this.label = label;
      t0 = times.isEmpty() ? 0 : times.get(0).toEpochMilli();
      t1 = times.isEmpty() ? 1 : times.get(times.size() - 1).toEpochMilli();
      double lo = lines.stream().flatMap(l -> l.values().stream()).mapToDouble(d -> d).min()
          .orElse(0);
      double hi = lines.stream().flatMap(l -> l.values().stream()).mapToDouble(d -> d).max()
          .orElse(1);
      double pad = hi == lo ? 0.5 : (hi - lo) * 0.05;
      min = lo - pad;
      max = hi + pad;
    }

    double x(Instant t) {
      return t1 == t0 ? LEFT + (WIDTH - LEFT - RIGHT) / 2.0
          : LEFT + (WIDTH - LEFT - RIGHT) * (double) (t.toEpochMilli() - t0) / (t1 - t0);
    }

    double y(double v) {
      return TOP + (HEIGHT - TOP - BOTTOM) * (max - v) / (max - min);
    }

    /** A triangle pointing up (green) or down (red) at (t, v), with a tooltip. */
    void marker(Instant t, double v, boolean up, int size, String title) {
      double x = x(t);
      double y = y(v) + (up ? -3 : 3);
      double tip = up ? y - size : y + size;
      markers.add(String.format(Locale.ROOT, "<polygon class=\"prediction %s\" fill=\"%s\""
              + " fill-opacity=\"0.8\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"><title>%s"
              + "</title></polygon>", up ? "up" : "down", up ? UP : DOWN, x - size * 0.8, y,
          x + size * 0.8, y, x, tip, escape(title)));
    }

    String svg() {
      StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
              + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", WIDTH, HEIGHT, WIDTH,
          HEIGHT, escape(label)));
      for (int k = 0; k <= 4; k++) {   // grid and value labels
        double v = min + (max - min) * k / 4;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\""
                + " y2=\"%.1f\" stroke=\"#eef0f3\"/><text x=\"%d\" y=\"%.1f\" font-size=\"11\""
                + " text-anchor=\"end\" fill=\"#555\">%s</text>", LEFT, WIDTH - RIGHT, y(v), y(v),
            LEFT - 6, y(v) + 4, number(v)));
      }
      for (Line line : lines) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < line.values().size(); i++) {
          points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(times.get(i)),
              y(line.values().get(i))));
        }
        svg.append("<polyline fill=\"none\" stroke-width=\"1.6\" stroke=\"")
            .append(line.color()).append(line.dashed() ? "\" stroke-dasharray=\"5 4" : "")
            .append("\" points=\"").append(points.toString().strip()).append("\"><title>")
            .append(escape(line.name())).append("</title></polyline>");
        if (line.values().size() == 1) {   // a single run: a dot rather than an invisible line
          svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\""
              + " fill=\"%s\"/>", x(times.get(0)), y(line.values().get(0)), line.color()));
        }
      }
      markers.forEach(svg::append);
      if (!times.isEmpty()) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\""
            + " fill=\"#555\">%s</text>", LEFT, HEIGHT - 8, times.get(0)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\""
            + " fill=\"#555\" text-anchor=\"end\">%s</text>", WIDTH - RIGHT, HEIGHT - 8,
            times.get(times.size() - 1)));
      }
      return svg.append("</svg>").toString();
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
