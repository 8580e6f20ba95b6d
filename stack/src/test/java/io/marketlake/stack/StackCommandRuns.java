package io.marketlake.stack;

import io.marketlake.common.CommandRun;
import java.io.StringWriter;

/** {@code stack ...} run as a user runs it; what every run of a test printed, in order. */
abstract class StackCommandRuns {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandRun run = CommandRun.of(new StackCommand(), args);
    out.write(run.out());
    err.write(run.err());
    return run.exitCode();
  }
}
