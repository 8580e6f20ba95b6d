package io.marketlake.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js, npm and Chromium for the tests that use them (the Terraform checks, the dashboard's
 * browser test): found on the PATH; missing, the test is skipped, except under CI ({@code
 * CI=true}), where it fails.
 */
final class NodeTools {
  private NodeTools() {}

  /** A program's path on the PATH, or null. */
  static String onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst()
        .map(Path::toString).orElse(null);
  }

  /** The program's path; skips (or under CI fails) the test when it is missing. */
  static String require(String program, String why) {
    String path = onPath(program);
    if (path == null) {
      String reason = program + " is not installed: " + why;
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(reason + " (CI=true)");
      Assumptions.abort(reason);
    }
    return path;
  }

  /** {@code npm ci} in {@code dir} unless {@code marker} (a path under it) is already there. */
  static void npmCi(String npm, Path dir, String marker) throws Exception {
    if (!Files.exists(dir.resolve(marker))) {
      run(List.of(npm, "ci", "--no-audit", "--no-fund", "--prefix", dir.toString()), 300)
          .requireSuccess();
    }
  }

  /** What a finished process printed. */
  record Result(List<String> command, int exitCode, String out, String err) {
    String requireSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " failed (exit " + exitCode + "): "
            + err.strip() + " " + out.strip());
      }
      return out;
    }
  }

  /** Runs {@code command} to its end; fails the test if it takes longer than the timeout. */
  static Result run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-tool", ".out");
    Path err = Files.createTempFile("node-tool", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in "
            + timeoutSeconds + " s");
      }
      return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
