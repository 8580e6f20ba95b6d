package io.marketlake.stack;

import io.marketlake.common.Cli;
import io.marketlake.common.StackEndpoints;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stack up|down|status --workdir DIR}: the local stack for development. {@code up} starts
 * the servers in their own JVMs, writes {@code DIR/stack.json} and returns while they keep running;
 * {@code down} stops them; {@code status} exits 0 if the stack is running and 1 if not.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = "Start, stop or inspect the local stack (Kafka, S3, simulated exchange).",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
public class StackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(),
        "Missing subcommand: expected 'stack up', 'stack down' or 'stack status'");
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new StackCommand(), args));
  }

  /** {@code stack up}. */
  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the local stack in the background and write DIR/stack.json.")
  public static class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workdir", required = true,
        description = "Directory for all state: broker log, S3 objects, logs, stack.json.")
    Path workdir;

    @Option(names = "--exchange-speed", defaultValue = "1",
        description = "Exchange time runs N times real time, e.g. 60 (default: 1).")
    double speed;

    @Option(names = "--exchange-start", converter = InstantConverter.class,
        description = "Exchange time at start-up, UTC, e.g. 2026-02-01 (default: now).")
    Instant start;

    @Option(names = "--replay",
        description = "Replay SYMBOL-1m-*.csv kline dumps from this directory.")
    Path replay;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the price paths.")
    long seed;

    @Option(names = "--weight-limit", defaultValue = "6000",
        description = "Exchange request weight per minute (default: 6000).")
    int weightLimit;

    @Option(names = "--partitions", defaultValue = "3",
        description = "Partitions of the market-data topic (default: 3).")
    int partitions;

    @Option(names = "--exchange-faults", paramLabel = "KIND=RATE,...",
        description = "Faults the exchange injects into kline and ticker answers, each with a"
            + " probability per request: 429, 418 (a " + FaultOptions.DEFAULT_RETRY_AFTER
            + " ban), 5xx, timeout (held back " + FaultOptions.DEFAULT_DELAY + "), malformed,"
            + " duplicate, late (the newest minutes not served yet); e.g."
            + " 429=0.02,5xx=0.05,malformed=0.02 (default: none).")
    String faults;

    @Override
    public Integer call() throws Exception {
      StackOptions options = toOptions();
      long began = System.nanoTime();
      EmbeddedStack stack = EmbeddedStack.start(options);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("Local stack running in %s (started in %.1f s)%n", options.workdir(),
          (System.nanoTime() - began) / 1e9);
      print(out, stack.endpoints());
      out.println("Stop it with: bin/marketlake stack down --workdir " + options.workdir());
      out.flush();
      return Cli.OK;
    }

    StackOptions toOptions() {
      return new StackOptions(workdir, speed, start, replay, seed, weightLimit, partitions,
          FaultOptions.parse(faults, FaultOptions.DEFAULT_RETRY_AFTER, FaultOptions.DEFAULT_DELAY,
              seed), true);
    }
  }

  /** {@code stack down}. */
  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop the local stack running in DIR.")
  public static class Down implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workdir", required = true, description = "The stack's directory.")
    Path workdir;

    @Override
    public Integer call() throws Exception {
      boolean wasRunning = EmbeddedStack.stopAt(workdir);
      spec.commandLine().getOut().println(wasRunning
          ? "Stopped the local stack in " + workdir.toAbsolutePath().normalize()
          : "No local stack was running in " + workdir.toAbsolutePath().normalize());
      return Cli.OK;
    }
  }

  /** {@code stack status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show the endpoints of the local stack in DIR; exit 1 if it is not running.")
  public static class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workdir", required = true, description = "The stack's directory.")
    Path workdir;

    @Override
    public Integer call() {
      Path abs = workdir.toAbsolutePath().normalize();
      Optional<StackEndpoints> running = EmbeddedStack.runningAt(abs);
      if (running.isEmpty()) {
        spec.commandLine().getErr().println(StackErrors.notRunning(abs));
        return Cli.FAILURE;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Local stack running in " + abs);
      print(out, running.get());
      for (Map.Entry<String, Long> pid : new TreeMap<>(running.get().pids()).entrySet()) {
        boolean alive = ChildJvm.ours(pid.getValue(), abs).isPresent();
        out.printf("  %-16s pid %d %s%n", pid.getKey(), pid.getValue(),
            alive ? "running" : "NOT RUNNING");
      }
      return Cli.OK;
    }
  }

  static void print(PrintWriter out, StackEndpoints e) {
    out.printf("  %-16s %s%n", "kafka bootstrap", e.kafkaBootstrap());
    out.printf("  %-16s %s%n", "topic", e.topic());
    out.printf("  %-16s %s (bucket %s)%n", "s3 endpoint", e.s3Endpoint(), e.s3Bucket());
    out.printf("  %-16s %s%n", "lakehouse", e.lakehouse());
    out.printf("  %-16s %s%n", "exchange", e.exchangeUrl());
  }
}
