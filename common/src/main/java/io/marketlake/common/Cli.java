package io.marketlake.common;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a picocli command with the project's error contract: exit 0 on success, 2 on a usage error
 * (one line naming the input and the fix), 3 when another writer holds the job's lease (one line
 * naming the holder), 1 on a runtime failure (one line; the stack trace only with
 * {@code --debug}).
 *
 * <p>Every command gets the options all commands share here: {@code --debug} and {@code --config
 * FILE}, with the defaults of {@link ConfigDefaults} (environment, then the file).
 */
public final class Cli {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  /** Another writer holds the job's lease (docs/leases.md): nothing was started. */
  public static final int LEASE_HELD = 3;

  private Cli() {}

  /** A configured {@link CommandLine}; tests call {@code execute} on it with their own writers. */
  public static CommandLine commandLine(Object command) {
    return commandLine(command, System.getenv());
  }

  /** As {@link #commandLine(Object)}, with the given environment instead of the process's. */
  public static CommandLine commandLine(Object command, Map<String, String> environment) {
    ConfigDefaults defaults = new ConfigDefaults(environment);
    CommandLine cmd = new CommandLine(command) {
      @Override
      public int execute(String... args) {
        try {
          defaults.load(args);   // before parsing: the file's values are the options' defaults
        } catch (UsageException e) {
          getErr().println("error: " + e.getMessage());
          getErr().flush();
          return USAGE;
        }
        return super.execute(args);
      }
    };
    addSharedOptions(cmd, Collections.newSetFromMap(new IdentityHashMap<>()));
    cmd.setDefaultValueProvider(defaults);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setParameterExceptionHandler(
        (ex, args) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          err.println("error: " + ex.getMessage()
              + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
          return USAGE;
        });
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          boolean debug = debug(parseResult);
          if (exitCodeOf(ex) != FAILURE) {
            err.println("error: " + ex.getMessage());
            return exitCodeOf(ex);
          }
          if (debug) {
            err.println("error: " + describe(ex));
            ex.printStackTrace(err);
          } else {
            // One line, the hint included: a log scraper or a terminal sees the whole story.
            err.println("error: " + describe(ex) + " (--debug for the stack trace)");
          }
          err.flush();
          return FAILURE;
        });
    return cmd;
  }

  /** {@code --debug} and {@code --config} on every command of the hierarchy, and their help. */
  private static void addSharedOptions(CommandLine cmd, Set<CommandLine> done) {
    if (!done.add(cmd)) return;   // aliases list a subcommand twice
    CommandSpec spec = cmd.getCommandSpec();
    spec.addOption(OptionSpec.builder("--debug").arity("0").type(boolean.class)
        .description("Print stack traces of errors.").build());
    spec.addOption(OptionSpec.builder(ConfigDefaults.OPTION).paramLabel("FILE").type(String.class)
        .description("Java properties file of option defaults (default: $"
            + ConfigDefaults.FILE_VARIABLE + "); see below.").build());
    cmd.getHelpSectionMap().put("configuration", help -> ConfigDefaults.helpSection(
        help.commandSpec()));
    List<String> sections = new ArrayList<>(cmd.getHelpSectionKeys());
    if (!sections.contains("configuration")) {   // a parent's keys reach its subcommands
      sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST)
          + 1, "configuration");
      cmd.setHelpSectionKeys(sections);
    }
    cmd.getSubcommands().values().forEach(sub -> addSharedOptions(sub, done));
  }

  /** Whether {@code --debug} was given (or set by the environment or file) on any command. */
  static boolean debug(ParseResult parseResult) {
    for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
      OptionSpec option = p.commandSpec().findOption("--debug");
      if (option != null && Boolean.TRUE.equals(option.getValue())) return true;
    }
    return false;
  }

  /** The exit code of a command that failed with {@code e}: usage, lease held, or failure. */
  public static int exitCodeOf(Throwable e) {
    if (e instanceof UsageException) return USAGE;
    if (e instanceof io.marketlake.common.lease.LeaseHeldException) return LEASE_HELD;
    return FAILURE;
  }

  /** Parses, runs and returns the exit code. */
  public static int run(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /**
   * The end of a Spark layer's {@code main}: returns normally on success, so the job ends the way
   * its host expects (spark-submit and Databricks JAR tasks both want {@code main} to return;
   * Databricks documents {@code System.exit} as undefined behaviour). On failure it exits with
   * the code, except on Databricks, where it throws so the task run is marked failed.
   */
  public static void finish(int code) {
    if (code == OK) return;
    if (System.getenv("DATABRICKS_RUNTIME_VERSION") != null) {
      throw new IllegalStateException("marketlake: exit code " + code + " (see the error above)");
    }
    System.exit(code);
  }

  /**
   * The exception's own message, with its root cause when that adds something. A failure of S3
   * (S3A or the AWS SDK anywhere in the causes) is named as such, with what to do: the streaming
   * checkpoints keep every layer exactly once, so running the job again is always safe.
   */
  static String describe(Throwable ex) {
    Throwable storage = storageCause(ex);
    if (storage != null) {
      String detail = firstLine(storage.getMessage() == null ? storage.getClass().getName()
          : storage.getMessage()).replaceAll("software\\.amazon\\.awssdk\\.[\\w.]+: ", "");
      return "S3 request failed: " + detail + ". The checkpoint and tables are consistent: run"
          + " the job again once S3 answers";
    }
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    if (root != ex && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (cause: " + root.getMessage() + ")";
    }
    return firstLine(message);
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse(message);
  }

  /** The outermost S3A or AWS SDK exception among the causes, or null. */
  private static Throwable storageCause(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (name.startsWith("org.apache.hadoop.fs.s3a.")
          || name.startsWith("software.amazon.awssdk.")) {
        return t;
      }
    }
    return null;
  }
}
