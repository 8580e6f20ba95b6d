package io.marketlake.bench;

import io.marketlake.common.Defaults;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.launcher.Demo;
import io.marketlake.launcher.DemoConfig;
import io.marketlake.stack.EmbeddedStack;
import io.marketlake.stack.StackOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.statistics.IOStatisticsSource;
import org.apache.spark.sql.SparkSession;

/**
 * Where the demo's seconds go: the demo itself ({@link Demo}, 7 days × 5 symbols, on a local
 * stack of its own), with each stage's wall time split into the Spark jobs it ran (how many, how
 * long, how much task time) and the time the driver spent between jobs (planning, Delta's log,
 * commits, S3 calls), next to its Delta commits and S3 requests.
 *
 * <p>S3 requests are S3A's own counters (in local mode the driver and its executors share one
 * file system per bucket); Delta commits are the new {@code _delta_log/*.json} files under the
 * lakehouse. Both are read between stages, outside the timed work.
 */
final class DemoBreakdown {
  /** S3A counters reported, by column: one HTTP request each. */
  static final Map<String, List<String>> S3_REQUESTS = new LinkedHashMap<>();

  static {
    S3_REQUESTS.put("LIST", List.of("object_list_request", "object_continue_list_request"));
    S3_REQUESTS.put("HEAD", List.of("action_http_head_request"));
    S3_REQUESTS.put("GET", List.of("action_http_get_request"));
    S3_REQUESTS.put("PUT", List.of("object_put_request"));
    S3_REQUESTS.put("DELETE", List.of("object_delete_request", "object_bulk_delete_request"));
  }

  /** The demo's target for these stages on 2 cores (issue 16). */
  static final double TARGET_SECONDS = 60;

  private final Path workdir;

  DemoBreakdown(Path workdir) {
    this.workdir = workdir;
  }

  /** What one stage did. */
  record StageWork(String stage, long startMillis, long endMillis, Map<String, Long> s3,
      long commits) {
    double seconds() {
      return (endMillis - startMillis) / 1000.0;
    }
  }

  Figures.Section run() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(workdir))) {
      Lakehouse lakehouse = stack.endpoints().lakehouseLocation();
      // The demo's layers open this same session (getOrCreate): the listener sees their jobs.
      SparkSession spark = LayerContext.open("marketlake-demo", lakehouse, stack.endpoints().s3(),
          Defaults.SPARK_MASTER).spark();
      SparkWork work = new SparkWork();
      spark.sparkContext().addSparkListener(work);
      Probe probe = new Probe(spark, lakehouse);
      List<StageWork> stages = new ArrayList<>();
      Demo.StageListener listener = new Demo.StageListener() {
        Map<String, Long> s3Before;
        long commitsBefore;
        long startedAt;

        @Override
        public void started(String stage) {
          commitsBefore = probe.commits();
          s3Before = probe.s3Counters();
          startedAt = System.currentTimeMillis();
        }

        @Override
        public void finished(String stage) {
          long endedAt = System.currentTimeMillis();
          Map<String, Long> s3 = probe.s3Counters();
          s3.replaceAll((k, v) -> v - s3Before.getOrDefault(k, 0L));
          stages.add(new StageWork(stage, startedAt, endedAt, s3,
              probe.commits() - commitsBefore));
        }
      };
      DemoConfig config = new DemoConfig(workdir.toAbsolutePath(), Defaults.SYMBOLS,
          DemoConfig.DEFAULT_DAYS, LocalDate.now(ZoneOffset.UTC), DemoConfig.DEFAULT_SEED,
          Defaults.HORIZON_MINUTES, DemoConfig.DEFAULT_FOLDS, false, false);
      new Demo(config, System.out, listener).runOn(stack);
      // Every job's end event delivered before the jobs are read.
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
      spark.sparkContext().removeSparkListener(work);
      return section(stages, work.jobs());
    }
  }

  static Figures.Section section(List<StageWork> stages, List<SparkWork.Job> jobs) {
    List<String> header = new ArrayList<>(List.of("stage", "wall (s)", "Spark jobs",
        "stages", "tasks", "in Spark jobs (s)", "driver only (s)", "task time (s)",
        "Delta commits", "S3 requests"));
    header.addAll(S3_REQUESTS.keySet());
    Figures.Table table = new Figures.Table(header.toArray(String[]::new));
    Figures.Table costliest = new Figures.Table("stage", "job (description or call site)",
        "jobs", "seconds in them");
    double wall = 0;
    long allJobs = 0;
    long allCommits = 0;
    long allRequests = 0;
    // Demo.runOn's stages: ingest to count; the stack's start is not among them.
    for (StageWork s : stages) {
      List<SparkWork.Job> mine = jobs.stream()
          .filter(j -> j.startMillis() >= s.startMillis() && j.startMillis() <= s.endMillis())
          .toList();
      double busy = SparkWork.busySeconds(mine);
      long requests = 0;
      List<Object> cells = new ArrayList<>(List.of(s.stage(), f1(s.seconds()), mine.size(),
          mine.stream().mapToInt(SparkWork.Job::stages).sum(),
          mine.stream().mapToInt(SparkWork.Job::tasks).sum(), f1(busy),
          f1(Math.max(0, s.seconds() - busy)),
          f1(mine.stream().mapToLong(SparkWork.Job::taskMillis).sum() / 1000.0), s.commits()));
      List<Object> byKind = new ArrayList<>();
      for (List<String> counters : S3_REQUESTS.values()) {
        long n = counters.stream().mapToLong(c -> s.s3().getOrDefault(c, 0L)).sum();
        requests += n;
        byKind.add(n);
      }
      cells.add(requests);
      cells.addAll(byKind);
      table.row(cells.toArray());
      wall += s.seconds();
      allJobs += mine.size();
      allCommits += s.commits();
      allRequests += requests;
      Map<String, List<SparkWork.Job>> byWhat = mine.stream()
          .collect(Collectors.groupingBy(SparkWork.Job::what, TreeMap::new, Collectors.toList()));
      byWhat.entrySet().stream()
          .sorted(Comparator.comparingDouble(
              (Map.Entry<String, List<SparkWork.Job>> e) -> -SparkWork.busySeconds(e.getValue())))
          .limit(5)
          .forEach(e -> costliest.row(s.stage(), "`" + e.getKey().replace("|", "/") + "`",
              e.getValue().size(), f1(SparkWork.busySeconds(e.getValue()))));
    }
    List<String> headlines = List.of(
        Figures.format("**the demo's pipeline stages (ingest to count, without the build and the"
            + " stack's start): %.1f s** (target ≤ %.0f s: %s)", wall, TARGET_SECONDS,
            wall <= TARGET_SECONDS ? "met" : "missed"),
        Figures.format("%d Spark jobs, %d Delta commits, %d S3 requests", allJobs, allCommits,
            allRequests));
    String body = table.markdown() + "\nThe five Spark job kinds that took longest per stage"
        + " (numbers in descriptions replaced by N; overlapping jobs counted once):\n\n"
        + costliest.markdown();
    return new Figures.Section("Where the demo's seconds go", "bench/run.sh --only breakdown",
        headlines, body);
  }

  private static String f1(double value) {
    return Figures.format("%.1f", value);
  }

  /** Reads the lakehouse's S3A counters and counts its Delta commits. */
  private static final class Probe {
    private final FileSystem fs;
    private final org.apache.hadoop.fs.Path root;

    Probe(SparkSession spark, Lakehouse lakehouse) throws IOException {
      this.root = new org.apache.hadoop.fs.Path(lakehouse.root());
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    }

    Map<String, Long> s3Counters() {
      if (!(fs instanceof IOStatisticsSource source) || source.getIOStatistics() == null) {
        return new TreeMap<>();
      }
      return new TreeMap<>(source.getIOStatistics().counters());
    }

    long commits() {
      try {
        if (!fs.exists(root)) return 0;
        long n = 0;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
          org.apache.hadoop.fs.Path p = files.next().getPath();
          if (p.getParent().getName().equals("_delta_log")
              && p.getName().matches("\\d{20}\\.json")) {
            n++;
          }
        }
        return n;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + root, e);
      }
    }
  }
}
