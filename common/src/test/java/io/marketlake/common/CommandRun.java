package io.marketlake.common;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * One run of a command through the project's command line ({@link Cli}: its error contract and
 * shared options), with its exit code and what it printed. The environment is empty unless given,
 * so that a developer's {@code MARKETLAKE_*} variables never reach a test.
 */
public record CommandRun(int exitCode, String out, String err) {
  public static CommandRun of(Object command, String... args) {
    return of(command, Map.of(), args);
  }

  public static CommandRun of(Object command, Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Cli.commandLine(command, environment);
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    cmd.getOut().flush();
    cmd.getErr().flush();
    return new CommandRun(code, out.toString(), err.toString());
  }
}
