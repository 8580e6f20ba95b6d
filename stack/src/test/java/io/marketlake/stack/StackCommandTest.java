package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StackCommandTest extends StackCommandRuns {
  @TempDir Path dir;
  @Test
  void upWithoutWorkdirIsAUsageError() {
    assertThat(run("up")).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).isEqualTo(
        "error: Missing required option: '--workdir=<workdir>' (see 'stack up --help')\n");
  }

  @Test
  void nonPositiveSpeedIsAUsageError() {
    assertThat(run("up", "--workdir", dir.toString(), "--exchange-speed", "0"))
        .isEqualTo(Cli.USAGE);
    assertThat(err.toString()).isEqualTo("error: Invalid --exchange-speed 0.0: expected a positive"
        + " number, e.g. 60 for one exchange minute per second\n");
  }

  @Test
  void malformedStartIsAUsageError() {
    assertThat(run("up", "--workdir", dir.toString(), "--exchange-start", "yesterday"))
        .isEqualTo(Cli.USAGE);
    assertThat(err.toString()).startsWith("error: Invalid value for option '--exchange-start':"
        + " 'yesterday' is not a date or instant: expected e.g. 2026-02-01");
  }

  @Test
  void missingReplayDirectoryIsAUsageError() {
    Path missing = dir.resolve("nope");
    assertThat(run("up", "--workdir", dir.toString(), "--replay", missing.toString()))
        .isEqualTo(Cli.USAGE);
    assertThat(err.toString()).isEqualTo("error: Replay directory " + missing + " does not exist:"
        + " pass a directory of SYMBOL-1m-*.csv files (--replay)\n");
  }

  @Test
  void upParsesEveryOption() {
    StackCommand.Up up = new StackCommand.Up();
    new CommandLine(up).parseArgs("--workdir", dir.toString(), "--exchange-speed", "60",
        "--exchange-start", "2026-02-01", "--seed", "7", "--weight-limit", "1200",
        "--partitions", "2", "--exchange-faults", "5xx=0.1,malformed=0.05");

    StackOptions options = up.toOptions();

    assertThat(options.exchangeSpeed()).isEqualTo(60);
    assertThat(options.exchangeStart()).hasToString("2026-02-01T00:00:00Z");
    assertThat(options.seed()).isEqualTo(7);
    assertThat(options.weightLimit()).isEqualTo(1200);
    assertThat(options.partitions()).isEqualTo(2);
    assertThat(options.detached()).isTrue();
    ExchangeFaults faults = options.exchangeFaults();
    assertThat(faults.rates()).containsEntry(ExchangeFaults.Kind.SERVER_ERROR, 0.1)
        .containsEntry(ExchangeFaults.Kind.MALFORMED, 0.05);
    assertThat(faults.retryAfter()).hasSeconds(2);
    // The detached exchange JVM gets the same faults through its own options.
    ExchangeCommand child = new ExchangeCommand();
    new CommandLine(child).parseArgs(FaultOptions.args(faults).toArray(String[]::new));
    assertThat(child.toOptions().faults()).isEqualTo(faults);
  }

  @Test
  void badFaultsAreAUsageError() {
    assertThat(run("up", "--workdir", dir.toString(), "--exchange-faults", "404=0.1"))
        .isEqualTo(Cli.USAGE);
    assertThat(err.toString()).startsWith("error: Invalid fault '404=0.1': expected KIND=RATE");
  }

  @Test
  void statusWithoutAStackExitsOne() {
    assertThat(run("status", "--workdir", dir.toString())).isEqualTo(Cli.FAILURE);
    assertThat(err.toString()).isEqualTo("No local stack running in " + dir
        + ": start one with 'bin/marketlake stack up --workdir " + dir + "'\n");
  }

  @Test
  void downWithoutAStackIsNotAnError() {
    assertThat(run("down", "--workdir", dir.toString())).isEqualTo(Cli.OK);
    assertThat(out.toString()).isEqualTo("No local stack was running in " + dir + "\n");
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(run()).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).startsWith("error: Missing subcommand");
  }
}
