package io.marketlake.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's options from the environment and a properties file, so that a pipeline run for
 * months writes its endpoints and symbols once. For an option {@code --s3-endpoint} of the command
 * {@code silver}, the first of these wins:
 *
 * <ol>
 *   <li>the option on the command line;
 *   <li>the environment variable {@code MARKETLAKE_SILVER_S3_ENDPOINT}, then {@code
 *       MARKETLAKE_S3_ENDPOINT};
 *   <li>the key {@code silver.s3-endpoint}, then {@code s3-endpoint}, in the file given by {@code
 *       --config FILE} or named by the environment variable {@code MARKETLAKE_CONFIG};
 *   <li>the option's own default.
 * </ol>
 *
 * A key or variable that no option of the running command has is ignored: one file serves every
 * command.
 */
public final class ConfigDefaults implements IDefaultValueProvider {
  public static final String OPTION = "--config";
  public static final String FILE_VARIABLE = "MARKETLAKE_CONFIG";
  static final String PREFIX = "MARKETLAKE_";

  private final Map<String, String> environment;
  private Properties file = new Properties();

  public ConfigDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /**
   * Loads the file of {@code --config} in {@code args}, else the one {@code MARKETLAKE_CONFIG}
   * names, else none.
   *
   * @throws UsageException when the file cannot be read
   */
  public void load(String... args) {
    String path = environment.get(FILE_VARIABLE);
    String source = FILE_VARIABLE;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(OPTION) && i + 1 < args.length) {
        path = args[i + 1];
        source = OPTION;
      } else if (args[i].startsWith(OPTION + "=")) {
        path = args[i].substring(OPTION.length() + 1);
        source = OPTION;
      }
    }
    Properties loaded = new Properties();
    if (path != null && !path.isBlank()) {
      try (Reader reader = Files.newBufferedReader(Path.of(path))) {
        loaded.load(reader);
      } catch (NoSuchFileException e) {
        throw new UsageException("No configuration file " + path + " (" + source
            + "): give an existing Java properties file, e.g. s3-endpoint=http://127.0.0.1:9000");
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageException("Cannot read configuration file " + path + " (" + source + "): "
            + e.getMessage());
      }
    }
    file = loaded;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !configurable(option)) return null;
    String command = arg.command().name();
    for (String variable : variables(command, option)) {
      String value = environment.get(variable);
      if (value != null) return value;
    }
    for (String key : keys(command, option)) {
      String value = file.getProperty(key);
      if (value != null) return value.trim();
    }
    return null;
  }

  /** Options a file or the environment may set: not help, version or {@code --config} itself. */
  public static boolean configurable(OptionSpec option) {
    return option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp()
        && !option.longestName().equals(OPTION);
  }

  /** The file keys of an option, the command's own first: {@code silver.trigger}, {@code trigger}. */
  public static List<String> keys(String command, OptionSpec option) {
    String key = option.longestName().substring(2);
    return List.of(command + "." + key, key);
  }

  /** The environment variables of an option, the command's own first. */
  public static List<String> variables(String command, OptionSpec option) {
    return keys(command, option).stream().map(ConfigDefaults::variable).toList();
  }

  /** {@code silver.max-files} → {@code MARKETLAKE_SILVER_MAX_FILES}. */
  private static String variable(String key) {
    return PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** One line per configurable option of {@code spec}: the option, its keys, its variable. */
  public static String helpSection(CommandSpec spec) {
    String name = spec.name();
    StringBuilder text = new StringBuilder(String.format("%nEvery option can also come from the"
        + " environment or the %s file ($%s).%nAn option given here wins, then $%s_<KEY>, then"
        + " $%s<KEY>,%nthen the file's %s.<key>, then <key>:%n", OPTION, FILE_VARIABLE,
        variable(name), PREFIX, name));
    for (OptionSpec option : spec.options()) {
      if (!configurable(option) || option.hidden()) continue;
      text.append(String.format("  %-28s %-30s $%s%n", option.longestName(),
          keys(name, option).get(1), variables(name, option).get(1)));
    }
    return text.toString();
  }
}
