package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.spark.TestSpark;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.junit.jupiter.api.Test;

/**
 * Every notebook under {@code notebooks/} is a well-formed Databricks source notebook: SQL
 * statements parse with Spark's own parser (Delta's extension included), every parameter marker
 * has a widget, and the marketlake classes a Scala notebook calls exist in the layer jars.
 * {@link NotebookSqlIT} runs the SQL against real tables.
 */
class NotebooksTest {
  private static final Pattern MARKETLAKE_CLASS =
      Pattern.compile("io\\.marketlake\\.[a-z]+(?:\\.[a-z]+)*\\.[A-Z]\\w*");

  @Test
  void everySqlStatementParses() throws Exception {
    ParserInterface parser = TestSpark.get().sessionState().sqlParser();
    List<Path> notebooks = DatabricksNotebook.all();
    assertThat(notebooks).extracting(p -> p.getFileName().toString())
        .contains("00_setup_tables.sql", "01_bronze.sql", "02_silver.sql", "03_gold.sql",
            "04_predictions.sql", "05_maintenance.sql", "10_run_layers.scala");
    int statements = 0;
    for (Path path : notebooks) {
      DatabricksNotebook notebook = DatabricksNotebook.parse(path);
      assertThat(notebook.cells()).as("%s has code cells", path.getFileName())
          .anyMatch(c -> !c.markdown());
      if (!notebook.language().equals("sql")) continue;
      for (DatabricksNotebook.Cell cell : notebook.cells()) {
        for (String sql : cell.sqlStatements()) {
          try {
            parser.parsePlan(sql);
          } catch (Exception e) { // ParseException is checked, though Scala does not say so
            throw new AssertionError(notebook.name() + " cell " + cell.number() + " ("
                + cell.title() + ") does not parse: " + e.getMessage().lines().findFirst()
                .orElse("") + "\n" + sql, e);
          }
          statements++;
        }
      }
    }
    assertThat(statements).isGreaterThan(30);
  }

  @Test
  void everyParameterMarkerHasAWidgetInItsNotebook() throws Exception {
    for (Path path : DatabricksNotebook.all()) {
      DatabricksNotebook notebook = DatabricksNotebook.parse(path);
      if (!notebook.language().equals("sql")) continue;
      Set<String> used = new LinkedHashSet<>();
      notebook.cells().forEach(c -> used.addAll(c.markers()));
      assertThat(notebook.widgets().keySet()).as("widgets of %s", notebook.name())
          .containsAll(used);
    }
  }

  @Test
  void scalaNotebooksCallClassesThatTheLayerJarsHold() throws Exception {
    Path notebook = LayerJars.projectRoot().resolve("notebooks/10_run_layers.scala");
    DatabricksNotebook parsed = DatabricksNotebook.parse(notebook);
    Set<String> classes = new LinkedHashSet<>();
    for (DatabricksNotebook.Cell cell : parsed.cells()) {
      Matcher m = MARKETLAKE_CLASS.matcher(cell.text());
      while (m.find()) classes.add(m.group());
    }
    assertThat(classes).contains("io.marketlake.common.Cli", "io.marketlake.bronze.BronzeCommand",
        "io.marketlake.silver.SilverCommand", "io.marketlake.gold.GoldCommand",
        "io.marketlake.gold.TrainCommand");
    for (String className : classes) {
      String module = className.split("\\.")[2];
      String jarModule = module.equals("common") ? "silver" : module;
      try (URLClassLoader loader = LayerJars.clusterLoader(
          LayerJars.jar("marketlake-" + jarModule + "-0.1.0-SNAPSHOT-spark.jar"))) {
        assertThat(Class.forName(className, false, loader).getClassLoader())
            .as("%s is in the %s jar", className, jarModule).isSameAs(loader);
      }
    }
    // main() ends in System.exit, which would stop the notebook's driver: the notebook goes
    // through Cli.run, which returns the exit code.
    assertThat(parsed.cells()).noneMatch(c -> c.text().contains(".main("));
  }

  /**
   * Compiles the Scala notebook, its cells wrapped in an object with stand-ins for what Databricks
   * provides ({@code spark}, {@code dbutils}, {@code display}), up to type checking, against the
   * layers' classes: a renamed class or option-taking method, or a syntax error, fails here.
   */
  @Test
  void scalaNotebooksTypeCheck(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path notebook = LayerJars.projectRoot().resolve("notebooks/10_run_layers.scala");
    StringBuilder source = new StringBuilder("""
        object NotebookCheck {
          val spark: org.apache.spark.sql.SparkSession = null
          def display(data: org.apache.spark.sql.Dataset[_]): Unit = ()
          object dbutils {
            object widgets {
              def text(name: String, defaultValue: String): Unit = ()
              def get(name: String): String = ""
            }
            object secrets {
              def get(scope: String, key: String): String = ""
            }
          }
        """);
    for (DatabricksNotebook.Cell cell : DatabricksNotebook.parse(notebook).cells()) {
      source.append(cell.text()).append('\n');
    }
    source.append("}\n");
    Path file = dir.resolve("NotebookCheck.scala");
    java.nio.file.Files.writeString(file, source);
    Path log = dir.resolve("scalac.log");
    Process scalac = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), "scala.tools.nsc.Main",
        "-usejavacp", "-Ystop-after:typer", "-d", dir.toString(), file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(scalac.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(scalac.exitValue()).as(java.nio.file.Files.readString(log) + "\n" + source)
        .isZero();
  }
}
