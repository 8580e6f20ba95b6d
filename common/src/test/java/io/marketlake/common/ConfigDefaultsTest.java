package io.marketlake.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ConfigDefaultsTest {
  @TempDir Path dir;

  /** A command with the shapes real ones have: a plain option, one with a default, a flag. */
  @Command(name = "silver", mixinStandardHelpOptions = true)
  static final class Probe implements Callable<Integer> {
    @Option(names = "--s3-endpoint") String s3Endpoint;
    @Option(names = "--trigger", defaultValue = "available-now") String trigger;
    @Option(names = "--max-files-per-trigger") Integer maxFiles;

    @Override
    public Integer call() {
      if ("fail".equals(trigger)) throw new IllegalStateException("boom");
      return 0;
    }
  }

  /** A run, and the command's fields as the run left them. */
  private record Run(CommandRun run, Probe command) {
    int code() {
      return run.exitCode();
    }

    String out() {
      return run.out();
    }

    String err() {
      return run.err();
    }
  }

  private Run run(Map<String, String> environment, String... args) {
    Probe probe = new Probe();
    return new Run(CommandRun.of(probe, environment, args), probe);
  }

  private Path file(String... lines) throws Exception {
    return Files.writeString(dir.resolve("marketlake.properties"), String.join("\n", lines));
  }

  @Test
  void anOptionWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault()
      throws Exception {
    Path config = file("s3-endpoint=http://file:1", "trigger=1m", "silver.trigger=10s",
        "max-files-per-trigger=7", "symbols=ignored,by,silver");

    Probe fromFile = run(Map.of(), "--config", config.toString()).command();
    assertThat(fromFile.s3Endpoint).isEqualTo("http://file:1");
    assertThat(fromFile.trigger).as("the command's own key first").isEqualTo("10s");
    assertThat(fromFile.maxFiles).isEqualTo(7);

    Probe fromEnvironment = run(Map.of("MARKETLAKE_CONFIG", config.toString(),
        "MARKETLAKE_S3_ENDPOINT", "http://env:2", "MARKETLAKE_SILVER_MAX_FILES_PER_TRIGGER", "3"))
        .command();
    assertThat(fromEnvironment.s3Endpoint).isEqualTo("http://env:2");
    assertThat(fromEnvironment.maxFiles).isEqualTo(3);
    assertThat(fromEnvironment.trigger).isEqualTo("10s");

    Probe explicit = run(Map.of("MARKETLAKE_S3_ENDPOINT", "http://env:2"),
        "--config=" + config, "--s3-endpoint", "http://option:3").command();
    assertThat(explicit.s3Endpoint).isEqualTo("http://option:3");

    Probe none = run(Map.of()).command();
    assertThat(none.s3Endpoint).isNull();
    assertThat(none.trigger).isEqualTo("available-now");
  }

  @Test
  void aMissingFileIsAUsageErrorNamingItAndWhereItCameFrom() {
    Run run = run(Map.of("MARKETLAKE_CONFIG", dir.resolve("nope.properties").toString()));
    assertThat(run.code()).isEqualTo(Cli.USAGE);
    assertThat(run.err()).isEqualTo("error: No configuration file "
        + dir.resolve("nope.properties") + " (MARKETLAKE_CONFIG): give an existing Java"
        + " properties file, e.g. s3-endpoint=http://127.0.0.1:9000" + System.lineSeparator());
  }

  @Test
  void helpNamesTheKeyAndVariableOfEachOption() {
    String help = run(Map.of(), "--help").out();
    assertThat(help).contains("--config=FILE", "--debug");
    assertThat(help).containsPattern("--s3-endpoint +s3-endpoint +\\$MARKETLAKE_S3_ENDPOINT");
    assertThat(help).containsPattern(
        "--max-files-per-trigger +max-files-per-trigger +\\$MARKETLAKE_MAX_FILES_PER_TRIGGER");
    assertThat(help).contains("An option given here wins, then $MARKETLAKE_SILVER_<KEY>, then"
        + " $MARKETLAKE_<KEY>,", "then the file's silver.<key>, then <key>:");
  }

  @Test
  void debugIsOneSharedOptionAndTheEnvironmentCanSetIt() {
    Run quiet = run(Map.of(), "--trigger", "fail");
    assertThat(quiet.code()).isEqualTo(Cli.FAILURE);
    assertThat(quiet.err()).startsWith("error: boom (--debug for the stack trace)")
        .doesNotContain("at io.marketlake");
    Run debug = run(Map.of(), "--trigger", "fail", "--debug");
    assertThat(debug.err()).startsWith("error: boom").contains("at io.marketlake");
    Run fromEnvironment = run(Map.of("MARKETLAKE_DEBUG", "true"), "--trigger", "fail");
    assertThat(fromEnvironment.err()).contains("at io.marketlake");
  }
}
