package io.marketlake.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Order statistics and the markdown a benchmark prints: what every benchmark here shares. */
final class Figures {
  private Figures() {}

  /** The p-th percentile (0..100) by nearest rank; NaN for no values. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) return Double.NaN;
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double median(double[] values) {
    if (values.length == 0) return Double.NaN;
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * The ratios numerator[i] / denominator[i] of runs paired by round (run back to back, so drift
   * cancels within a pair); {@link #median} of them is the figure a benchmark reports.
   */
  static double[] pairedRatios(double[] numerator, double[] denominator) {
    double[] ratios = new double[Math.min(numerator.length, denominator.length)];
    for (int i = 0; i < ratios.length; i++) ratios[i] = numerator[i] / denominator[i];
    return ratios;
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  /** A markdown table. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
      this.header = header;
    }

    Table row(Object... cells) {
      String[] r = new String[cells.length];
      for (int i = 0; i < cells.length; i++) r[i] = String.valueOf(cells[i]);
      rows.add(r);
      return this;
    }

    String markdown() {
      StringBuilder out = new StringBuilder();
      out.append("| ").append(String.join(" | ", header)).append(" |\n|");
      for (int i = 0; i < header.length; i++) out.append("---|");
      out.append('\n');
      for (String[] r : rows) out.append("| ").append(String.join(" | ", r)).append(" |\n");
      return out.toString();
    }
  }

  /** What one benchmark measured: a headline per target, then its tables. */
  record Section(String title, String command, List<String> headlines, String body) {
    String markdown() {
      StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
      for (String h : headlines) out.append("- ").append(h).append('\n');
      out.append('\n').append(body).append('\n');
      out.append("Reproduce: `").append(command).append("`\n");
      return out.toString();
    }
  }
}
