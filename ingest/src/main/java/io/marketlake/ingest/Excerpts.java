package io.marketlake.ingest;

/** Short, single-line excerpts of response bodies for error messages and log lines. */
final class Excerpts {
  static final int MAX = 120;

  private Excerpts() {}

  static String of(String body) {
    if (body == null) return "";
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() <= MAX ? flat : flat.substring(0, MAX) + "...";
  }
}
