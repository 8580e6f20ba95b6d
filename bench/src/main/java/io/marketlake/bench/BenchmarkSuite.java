package io.marketlake.bench;

import io.marketlake.common.Cli;
import io.marketlake.common.Symbols;
import io.marketlake.common.UsageException;
import io.marketlake.common.Defaults;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the benchmarks on one local stack and one Spark session, prints each one's figures as it
 * finishes, and writes them all as markdown. {@code bench/run.sh} runs this, the demo
 * measurement and the fault suite, and puts everything into BENCHMARKS.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run marketlake's benchmarks and print measured figures.")
public final class BenchmarkSuite implements Callable<Integer> {
  static final List<String> ALL = List.of("bronze", "backfill", "merge", "freshness");

  @Option(names = "--only", split = ",", paramLabel = "NAME",
      description = "Run only these: bronze, backfill, merge, freshness (default: all).")
  List<String> only = new ArrayList<>(ALL);

  @Option(names = "--out", paramLabel = "FILE", description = "Write the figures (markdown) here.")
  Path out;

  @Option(names = "--workdir", paramLabel = "DIR", defaultValue = ".marketlake/bench",
      description = "The stack's directory, emptied first (default: ${DEFAULT-VALUE}).")
  Path workdir;

  @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds per job.")
  int rounds;

  @Option(names = "--bronze-messages", defaultValue = "1000000")
  int bronzeMessages;

  @Option(names = "--bronze-rounds", defaultValue = "5",
      description = "Rounds of bronze next to Parquet (default: ${DEFAULT-VALUE}).")
  int bronzeRounds;

  @Option(names = "--backfill-days", defaultValue = "30")
  int backfillDays;

  @Option(names = "--backfill-symbols", defaultValue = "5")
  int backfillSymbols;

  @Option(names = "--backfill-weight-limit", defaultValue = "200",
      description = "The simulated exchange's weight limit per minute (default: ${DEFAULT-VALUE}).")
  int backfillLimit;

  @Option(names = "--merge-symbols", defaultValue = "5")
  int mergeSymbols;

  @Option(names = "--merge-days", split = ",", defaultValue = "30,300",
      description = "History of the small and the large silver table, in days.")
  List<Integer> mergeDays;

  @Option(names = "--freshness-minutes", defaultValue = "10",
      description = "Real minutes of live polling with all three layers (default:"
          + " ${DEFAULT-VALUE}); the run without gold takes half as long.")
  int freshnessMinutes;

  @Option(names = "--freshness-speed", split = ",", defaultValue = "10,2",
      description = "Exchange minutes per real minute; several run one after the other: 10 is"
          + " ten times the real load, 2 is close to the real pace (default: ${DEFAULT-VALUE}).")
  List<Double> freshnessSpeeds;

  @Option(names = "--freshness-symbols", defaultValue = io.marketlake.common.Defaults.SYMBOLS_CSV)
  String freshnessSymbols;

  @Option(names = "--freshness-trigger", defaultValue = "1s",
      description = "Trigger interval of the bronze, silver and gold queries.")
  String freshnessTrigger;

  @Override
  public Integer call() throws Exception {
    Set<String> chosen = new LinkedHashSet<>(only);
    for (String name : chosen) {
      if (!ALL.contains(name)) {
        throw new UsageException("Unknown benchmark '" + name + "': expected one of "
            + String.join(", ", ALL) + " (--only)");
      }
    }
    if (mergeDays.size() != 2) throw new UsageException("--merge-days takes two sizes, e.g. 30,300");
    Duration trigger = io.marketlake.common.Durations.parse("--freshness-trigger",
        freshnessTrigger);
    deleteRecursively(workdir);
    List<Figures.Section> sections = new ArrayList<>();
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir))) {
      // Freshness runs three streaming queries in this driver: share the cores fairly.
      System.setProperty("spark.scheduler.mode", "FAIR");
      SparkSession spark = LayerContext.open("marketlake-bench",
          stack.endpoints().lakehouseLocation(), stack.endpoints().s3(), Defaults.SPARK_MASTER)
          .spark();
      spark.sparkContext().setLogLevel("WARN");
      for (String name : chosen) {
        System.out.println("== " + name + " ==");
        long started = System.nanoTime();
        List<Figures.Section> done = new ArrayList<>();
        switch (name) {
          case "bronze" -> done.add(new BronzeThroughput(stack, spark, bronzeMessages, bronzeRounds)
              .run());
          case "backfill" -> done.add(new BackfillBudget(stack, backfillDays, backfillSymbols,
              backfillLimit).run());
          case "merge" -> done.add(new MergeScaling(stack, spark, mergeSymbols, mergeDays.get(0),
              mergeDays.get(1), rounds).run());
          default -> {
            for (double speed : freshnessSpeeds) {
              done.add(new Freshness(stack, spark, freshnessMinutes, speed,
                  Symbols.parse(freshnessSymbols), trigger, true).run());
            }
            done.add(new Freshness(stack, spark, Math.max(1, freshnessMinutes / 2),
                freshnessSpeeds.get(0), Symbols.parse(freshnessSymbols), trigger, false).run());
          }
        }
        for (Figures.Section section : done) System.out.println(section.markdown());
        System.out.println(Figures.format("(%s took %.0f s)%n", name,
            (System.nanoTime() - started) / 1e9));
        sections.addAll(done);
        if (out != null) write(sections);
      }
    }
    return Cli.OK;
  }

  private void write(List<Figures.Section> sections) throws java.io.IOException {
    StringBuilder text = new StringBuilder();
    for (Figures.Section s : sections) text.append(s.markdown()).append('\n');
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.writeString(out, text);
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  public static void main(String[] args) {
    System.exit(Cli.run(new BenchmarkSuite(), args));
  }
}
