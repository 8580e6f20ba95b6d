package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlowestTestsTest {
  private static final Instant BUILD_START = Instant.parse("2026-12-03T10:00:00Z");
  @TempDir Path root;

  @Test
  void listsThisBuildsReportsSlowestFirstAcrossModulesAndKinds() throws Exception {
    report("silver/target/surefire-reports", "io.marketlake.silver.SilverJobTest", "158.6", 9,
        BUILD_START.plusSeconds(60));
    report("it/target/failsafe-reports", "io.marketlake.it.SparkSubmitIT", "1,064.0", 1,
        BUILD_START.plusSeconds(600));
    report("stack/servers/target/surefire-reports", "io.marketlake.stack.S3ServerTest", "2.5", 3,
        BUILD_START.plusSeconds(30));
    // Left by an earlier build: not this run's time.
    report("gold/target/surefire-reports", "io.marketlake.gold.TrainJobTest", "999.0", 5,
        BUILD_START.minusSeconds(3600));

    var classes = SlowestTests.read(root, BUILD_START);
    assertThat(classes).extracting(SlowestTests.TestClass::name).containsExactlyInAnyOrder(
        "io.marketlake.silver.SilverJobTest", "io.marketlake.it.SparkSubmitIT",
        "io.marketlake.stack.S3ServerTest");

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    SlowestTests.print(classes, 2, new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "The 2 slowest of 3 test classes (1225 s of tests in all):",
        "  1064.0 s  it           SparkSubmitIT (1 tests)",
        "   158.6 s  silver       SilverJobTest (9 tests)");
    assertThat(classes).filteredOn(c -> c.name().endsWith("S3ServerTest"))
        .extracting(SlowestTests.TestClass::module).containsExactly("stack/servers");
  }

  private void report(String dir, String name, String seconds, int tests, Instant written)
      throws Exception {
    Path file = Files.createDirectories(root.resolve(dir)).resolve("TEST-" + name + ".xml");
    Files.writeString(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"3.0.2\""
        + " name=\"" + name + "\" time=\"" + seconds + "\" tests=\"" + tests + "\" errors=\"0\""
        + " skipped=\"0\" failures=\"0\">\n  <properties/>\n  <testcase name=\"t\" classname=\""
        + name + "\" time=\"1.0\"/>\n</testsuite>\n");
    Files.setLastModifiedTime(file, FileTime.from(written));
  }
}
