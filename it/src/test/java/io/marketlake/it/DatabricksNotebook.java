package io.marketlake.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A notebook in Databricks' source format, as {@code databricks workspace import} reads it: a
 * header line ({@code -- Databricks notebook source} for SQL, {@code // Databricks notebook
 * source} for Scala), cells separated by {@code COMMAND ----------} lines, markdown cells as
 * {@code MAGIC %md} lines.
 */
record DatabricksNotebook(Path path, String language, List<Cell> cells) {
  private static final Pattern WIDGET = Pattern.compile(
      "(?is)^CREATE\\s+WIDGET\\s+TEXT\\s+(\\w+)\\s+DEFAULT\\s+'([^']*)'$");
  /** A named parameter marker such as {@code :schema}; not a {@code ::} cast, not in a URI. */
  private static final Pattern MARKER = Pattern.compile("(?<![:\\w/]):([a-zA-Z_]\\w*)");
  private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(\\r?\\n|$)");

  /** One cell: its 1-based number, first comment line (for messages), and its statements. */
  record Cell(int number, String title, boolean markdown, String text, List<String> statements) {
    /** The widgets this cell creates, name → default. */
    Map<String, String> widgets() {
      Map<String, String> widgets = new LinkedHashMap<>();
      for (String s : statements) {
        Matcher m = WIDGET.matcher(s);
        if (m.matches()) widgets.put(m.group(1), m.group(2));
      }
      return widgets;
    }

    /** Statements other than widget definitions (Databricks-only syntax). */
    List<String> sqlStatements() {
      return statements.stream().filter(s -> !WIDGET.matcher(s).matches()).toList();
    }

    /** Named parameter markers the statements use. */
    Set<String> markers() {
      Set<String> names = new LinkedHashSet<>();
      for (String s : sqlStatements()) {
        Matcher m = MARKER.matcher(withoutStringLiterals(s));
        while (m.find()) names.add(m.group(1));
      }
      return names;
    }
  }

  static List<Path> all() throws IOException {
    try (Stream<Path> files = Files.list(LayerJars.projectRoot().resolve("notebooks"))) {
      return files.filter(p -> p.toString().endsWith(".sql") || p.toString().endsWith(".scala"))
          .sorted().toList();
    }
  }

  static DatabricksNotebook parse(Path path) throws IOException {
    String text = Files.readString(path);
    boolean sql = path.toString().endsWith(".sql");
    String comment = sql ? "--" : "//";
    String header = comment + " Databricks notebook source";
    if (!text.startsWith(header + "\n")) {
      throw new AssertionError(path + ": first line must be '" + header + "'");
    }
    String separator = comment + " COMMAND ----------";
    List<Cell> cells = new ArrayList<>();
    String[] parts = text.substring(header.length() + 1).split("(?m)^" + Pattern.quote(separator)
        + "[ \\t]*$");
    for (String part : parts) {
      String body = part.strip();
      if (body.isEmpty()) {
        throw new AssertionError(path + ": cell " + (cells.size() + 1) + " is empty");
      }
      List<String> lines = body.lines().toList();
      boolean markdown = lines.stream().allMatch(l -> l.isBlank()
          || l.startsWith(comment + " MAGIC"));
      String title = lines.stream().filter(l -> l.startsWith(comment))
          .map(l -> l.substring(comment.length()).strip()).findFirst().orElse(lines.get(0));
      List<String> statements = sql && !markdown ? statements(body) : List.of();
      cells.add(new Cell(cells.size() + 1, title, markdown, body, statements));
    }
    return new DatabricksNotebook(path, sql ? "sql" : "scala", cells);
  }

  /** Every widget the notebook creates, name → default. */
  Map<String, String> widgets() {
    Map<String, String> widgets = new LinkedHashMap<>();
    cells.forEach(c -> widgets.putAll(c.widgets()));
    return widgets;
  }

  String name() {
    return path.getFileName().toString();
  }

  /** A SQL cell's statements: comment lines dropped, split where a line ends with ';'. */
  private static List<String> statements(String body) {
    StringBuilder code = new StringBuilder();
    body.lines().filter(l -> !l.strip().startsWith("--")).forEach(l -> code.append(l).append('\n'));
    List<String> statements = new ArrayList<>();
    for (String s : STATEMENT_END.split(code)) {
      if (!s.isBlank()) statements.add(s.strip());
    }
    return statements;
  }

  private static String withoutStringLiterals(String sql) {
    // One pass, left to right: a ' inside a "..." literal does not open a literal, and vice versa.
    return sql.replaceAll("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"", "''");
  }
}
