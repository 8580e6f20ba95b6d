package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suite's options are checked before anything starts (no stack, no Spark, no deletion). */
class BenchmarkSuiteTest {
  @TempDir Path workdir;

  @Test
  void badSizesAndModesAreUsageErrorsBeforeAnythingStarts() throws Exception {
    Path kept = Files.writeString(workdir.resolve("kept.txt"), "not deleted");
    String dir = workdir.toString();
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "scale",
        "--scale-symbols", "10,1")).isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "scale",
        "--scale-symbols", "0,10")).isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "scale",
        "--scale-days", "0")).isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "scales"))
        .isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "soak",
        "--soak-days", "0")).isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "soak",
        "--soak-speed", "0.5")).isEqualTo(Cli.USAGE);
    assertThat(Cli.run(new BenchmarkSuite(), "--workdir", dir, "--only", "freshness",
        "--freshness-drivers", "two")).isEqualTo(Cli.USAGE);
    assertThat(kept).exists();
  }
}
