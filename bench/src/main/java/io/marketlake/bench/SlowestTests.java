package io.marketlake.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The ten slowest test classes of this build, printed at the end of {@code ./mvnw verify} (the
 * last module runs it) so that the suite's time budget stays in sight: read from every module's
 * surefire and failsafe reports written since the build started.
 */
public final class SlowestTests {
  /** One test class's report. */
  record TestClass(String module, String name, double seconds, int tests) {}

  private SlowestTests() {}

  /** Arguments: the project root, the build's start (ISO-8601), and optionally how many (10). */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SlowestTests PROJECT_ROOT BUILD_START [COUNT]");
      System.exit(2);
    }
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    print(read(Path.of(args[0]), Instant.parse(args[1])), count, System.out);
  }

  /** Every test class report under {@code root}'s modules modified at or after {@code since}. */
  static List<TestClass> read(Path root, Instant since) throws IOException {
    List<Path> reportDirs;
    // root/<module>/target/<kind>-reports, or root/stack/servers/target/...: four levels down.
    try (Stream<Path> dirs = Files.walk(root, 4)) {
      reportDirs = dirs.filter(d -> isReportDir(root, d)).sorted().toList();
    }
    List<TestClass> out = new ArrayList<>();
    for (Path reports : reportDirs) {
      String module = root.relativize(reports.getParent().getParent()).toString();
      try (Stream<Path> files = Files.list(reports)) {
        for (Path report : files.filter(SlowestTests::isReport).sorted().toList()) {
          if (Files.getLastModifiedTime(report).toInstant().isBefore(since)) continue;
          TestClass parsed = parse(module, report);
          if (parsed != null) out.add(parsed);
        }
      }
    }
    return out;
  }

  private static boolean isReportDir(Path root, Path dir) {
    String name = dir.getFileName().toString();
    return (name.equals("surefire-reports") || name.equals("failsafe-reports"))
        && dir.getParent().getFileName().toString().equals("target")
        && !dir.getParent().getParent().equals(root) && Files.isDirectory(dir);
  }

  private static boolean isReport(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith("TEST-") && name.endsWith(".xml");
  }

  /** The report's {@code testsuite} element: its class, time and test count; null if none. */
  static TestClass parse(String module, Path report) throws IOException {
    try (InputStream in = Files.newInputStream(report)) {
      XMLInputFactory factory = XMLInputFactory.newFactory();
      factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
      XMLStreamReader xml = factory.createXMLStreamReader(in);
      while (xml.hasNext()) {
        if (xml.next() == XMLStreamConstants.START_ELEMENT
            && xml.getLocalName().equals("testsuite")) {
          String name = xml.getAttributeValue(null, "name");
          String time = xml.getAttributeValue(null, "time");
          String tests = xml.getAttributeValue(null, "tests");
          if (name == null || time == null) return null;
          // Surefire writes times like "1,234.5" in some locales: keep the digits and the point.
          return new TestClass(module, name, Double.parseDouble(time.replace(",", "")),
              tests == null ? 0 : Integer.parseInt(tests));
        }
      }
      return null;
    } catch (XMLStreamException | NumberFormatException e) {
      throw new IOException("Unreadable test report " + report + ": " + e.getMessage(), e);
    }
  }

  static void print(List<TestClass> classes, int count, PrintStream out) {
    double total = classes.stream().mapToDouble(TestClass::seconds).sum();
    out.printf(Locale.ROOT, "The %d slowest of %d test classes (%.0f s of tests in all):%n",
        Math.min(count, classes.size()), classes.size(), total);
    classes.stream().sorted(Comparator.comparingDouble(TestClass::seconds).reversed())
        .limit(count)
        .forEach(c -> out.printf(Locale.ROOT, "%8.1f s  %-12s %s (%d tests)%n", c.seconds(),
            c.module(), c.name().substring(c.name().lastIndexOf('.') + 1), c.tests()));
  }
}
