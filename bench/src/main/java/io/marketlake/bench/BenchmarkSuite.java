package io.marketlake.bench;

import io.marketlake.common.Cli;
import io.marketlake.common.Symbols;
import io.marketlake.common.UsageException;
import io.marketlake.common.Defaults;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.launcher.LiveConfig;
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
  /** In the order they run: breakdown last, since it starts a demo on a stack of its own. */
  static final List<String> ALL = List.of("bronze", "backfill", "merge", "scale", "freshness",
      "breakdown");
  /** ALL and the soak, which takes an hour and runs only when named. */
  static final List<String> KNOWN = List.of("bronze", "backfill", "merge", "scale", "freshness",
      "breakdown", "soak");

  @Option(names = "--only", split = ",", paramLabel = "NAME",
      description = "Run only these: bronze, backfill, merge, scale, freshness, breakdown,"
          + " soak (default: all but soak).")
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

  @Option(names = "--scale-symbols", split = ",", defaultValue = "1,10,100",
      description = "Symbol counts of the scale line, smallest first (default: ${DEFAULT-VALUE}).")
  List<Integer> scaleSymbols;

  @Option(names = "--scale-days", defaultValue = "30",
      description = "Days of 1m candles per symbol in the scale line (default: ${DEFAULT-VALUE}).")
  int scaleDays;

  @Option(names = "--freshness-minutes", defaultValue = "10",
      description = "Wall minutes of candles measured per speed, after the first model"
          + " (default: ${DEFAULT-VALUE}).")
  int freshnessMinutes;

  @Option(names = "--freshness-speed", split = ",", defaultValue = "1,10",
      description = "Exchange minutes per wall minute; several run one after the other: 1 is"
          + " the real pace, 10 ten times the real load (default: ${DEFAULT-VALUE}).")
  List<Double> freshnessSpeeds;

  @Option(names = "--freshness-symbols", defaultValue = FRESHNESS_SYMBOLS)
  String freshnessSymbols;

  @Option(names = "--freshness-drivers", defaultValue = "one", paramLabel = "one|several",
      description = "one: `live` (default); several: the layers as separate commands, each its"
          + " own JVM and Spark driver (`ingest poll`, `bronze`, `silver`, `gold` --trigger).")
  String freshnessDrivers;

  @Option(names = "--soak-days", defaultValue = "30",
      description = "Exchange days the soak runs live for (default: ${DEFAULT-VALUE}).")
  int soakDays;

  @Option(names = "--soak-speed", defaultValue = "720",
      description = "The soak's exchange speed: 720 runs 30 days in an hour"
          + " (default: ${DEFAULT-VALUE}).")
  double soakSpeed;

  @Option(names = "--soak-symbols", defaultValue = FRESHNESS_SYMBOLS)
  String soakSymbols;

  @Option(names = "--soak-sample-every", defaultValue = "60s", paramLabel = "DURATION",
      description = "Wall time between two samples of the soak (default: ${DEFAULT-VALUE}).")
  String soakSampleEvery;

  @Option(names = "--freshness-trigger", defaultValue = LiveConfig.DEFAULT_TRIGGER,
      description = "Trigger interval of the bronze, silver and gold queries (default:"
          + " ${DEFAULT-VALUE}, as live's).")
  String freshnessTrigger;

  /** Twenty symbols: the load at the real pace. */
  static final String FRESHNESS_SYMBOLS = "BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT,ADAUSDT,"
      + "DOGEUSDT,TRXUSDT,LINKUSDT,NEARUSDT,DOTUSDT,LTCUSDT,BCHUSDT,AVAXUSDT,XLMUSDT,UNIUSDT,"
      + "ATOMUSDT,ETCUSDT,FILUSDT,APTUSDT";

  @Override
  public Integer call() throws Exception {
    for (String name : only) {
      if (!KNOWN.contains(name)) {
        throw new UsageException("Unknown benchmark '" + name + "': expected one of "
            + String.join(", ", KNOWN) + " (--only)");
      }
    }
    Set<String> chosen = new LinkedHashSet<>(KNOWN);
    chosen.retainAll(only);
    if (mergeDays.size() != 2) throw new UsageException("--merge-days takes two sizes, e.g. 30,300");
    for (int i = 0; i < scaleSymbols.size(); i++) {
      if (scaleSymbols.get(i) < 1 || (i > 0 && scaleSymbols.get(i) <= scaleSymbols.get(i - 1))) {
        throw new UsageException("--scale-symbols takes growing positive counts, e.g. 1,10,100;"
            + " got " + scaleSymbols);
      }
    }
    if (scaleDays < 1) throw new UsageException("--scale-days must be at least 1, got " + scaleDays);
    if (soakDays < 1) throw new UsageException("--soak-days must be at least 1, got " + soakDays);
    if (!(soakSpeed >= 1)) {
      throw new UsageException("--soak-speed must be at least 1, got " + soakSpeed);
    }
    Duration trigger = io.marketlake.common.Durations.parse("--freshness-trigger",
        freshnessTrigger);
    if (!List.of("one", "several").contains(freshnessDrivers)) {
      throw new UsageException("--freshness-drivers takes one or several, got '"
          + freshnessDrivers + "'");
    }
    boolean severalDrivers = freshnessDrivers.equals("several");
    deleteRecursively(workdir);
    List<Figures.Section> sections = new ArrayList<>();
    // Freshness runs live and breakdown the demo, each on a stack of its own; the others share
    // this one.
    boolean needsStack = chosen.stream()
        .anyMatch(name -> !name.equals("freshness") && !name.equals("breakdown")
            && !name.equals("soak"));
    try (EmbeddedStack stack = needsStack ? EmbeddedStack.start(StackOptions.defaults(workdir))
        : null) {
      SparkSession spark = null;
      if (needsStack) {
        // Live shares this session when it runs after the others: schedule its pools fairly.
        System.setProperty("spark.scheduler.mode", "FAIR");
        spark = LayerContext.open("marketlake-bench", stack.endpoints().lakehouseLocation(),
            stack.endpoints().s3(), Defaults.SPARK_MASTER).spark();
        spark.sparkContext().setLogLevel("WARN");
      }
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
          case "scale" -> done.add(new ScaleLine(stack, spark, scaleSymbols, scaleDays).run());
          case "breakdown" -> done.add(new DemoBreakdown(workdir.resolve("breakdown")).run());
          case "soak" -> done.add(new Soak(workdir.resolve("soak"), Symbols.parse(soakSymbols),
              soakSpeed, Duration.ofDays(soakDays), io.marketlake.common.Durations.parse(
                  "--soak-sample-every", soakSampleEvery), trigger).run());
          default -> {
            for (double speed : freshnessSpeeds) {
              Figures.Section section = new Freshness(workdir.resolve(Figures.format(
                  severalDrivers ? "drivers-%.0fx" : "live-%.0fx", speed)), freshnessMinutes,
                  speed, Symbols.parse(freshnessSymbols), trigger, severalDrivers).run();
              // Each speed takes a quarter of an hour: kept as soon as it is measured.
              System.out.println(section.markdown());
              sections.add(section);
              if (out != null) write(sections);
            }
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
