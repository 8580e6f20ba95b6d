package io.marketlake.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark jobs a driver ran, as Spark's listener bus reports them: when, how many stages and
 * tasks actually ran, the tasks' summed run time, and what asked for the job (its description or
 * call site, and the streaming query and micro-batch it belongs to, if any).
 */
final class SparkWork extends SparkListener {
  /** One finished Spark job. {@code queryId} and {@code batchId} are null outside streaming. */
  record Job(int id, long startMillis, long endMillis, int stages, int tasks, long taskMillis,
      String what, String queryId, Long batchId) {
    double seconds() {
      return (endMillis - startMillis) / 1000.0;
    }
  }

  private record Started(long millis, List<Integer> stageIds, String what, String queryId,
      Long batchId) {}

  private record StageRun(int tasks, long taskMillis) {}

  private final Map<Integer, Started> running = new ConcurrentHashMap<>();
  private final Map<Integer, StageRun> stagesRun = new ConcurrentHashMap<>();
  private final List<Job> finished = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    List<Integer> stageIds = new ArrayList<>();
    for (StageInfo stage : CollectionConverters.asJava(start.stageInfos())) {
      stageIds.add(stage.stageId());
    }
    Properties props = start.properties();
    String batch = props == null ? null : props.getProperty("streaming.sql.batchId");
    running.put(start.jobId(), new Started(start.time(), stageIds, what(props),
        props == null ? null : props.getProperty("sql.streaming.queryId"),
        batch == null ? null : Long.valueOf(batch)));
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo stage = completed.stageInfo();
    long taskMillis = stage.taskMetrics() == null ? 0 : stage.taskMetrics().executorRunTime();
    stagesRun.put(stage.stageId(), new StageRun(stage.numTasks(), taskMillis));
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    Started started = running.remove(end.jobId());
    if (started == null) return;
    int stages = 0;
    int tasks = 0;
    long taskMillis = 0;
    // Skipped stages (their shuffle output was reused) never complete, and count for nothing.
    for (int id : started.stageIds()) {
      StageRun run = stagesRun.remove(id);
      if (run == null) continue;
      stages++;
      tasks += run.tasks();
      taskMillis += run.taskMillis();
    }
    finished.add(new Job(end.jobId(), started.millis(), end.time(), stages, tasks, taskMillis,
        started.what(), started.queryId(), started.batchId()));
  }

  /** The jobs finished so far, in the order they ended. */
  List<Job> jobs() {
    synchronized (finished) {
      return List.copyOf(finished);
    }
  }

  /**
   * What asked for a job, with the numbers taken out so that the same request groups together:
   * Delta and Spark SQL describe their jobs ("Delta: Compute snapshot for version: 12"), plain
   * actions have only a call site ("collect at Rollups.java:88").
   */
  static String what(Properties props) {
    if (props == null) return NONE;
    String described = props.getProperty("spark.job.description");
    String text = described != null && !described.isBlank() ? described
        : props.getProperty("callSite.short", NONE);
    text = text.replaceAll("\\s+", " ")
        // A streaming query's batches differ only in ids and batch number.
        .replaceAll("id = [0-9a-f-]+ runId = [0-9a-f-]+ batch = \\d+", "batch N")
        .replaceAll("\\d+", "N").strip();
    return text.length() > 90 ? text.substring(0, 87) + "..." : text;
  }

  /** A job that says nothing about itself (MLlib's, for one). */
  static final String NONE = "(no description or call site)";

  /** The seconds in which at least one of {@code jobs} was running (overlaps counted once). */
  static double busySeconds(List<Job> jobs) {
    List<Job> sorted = new ArrayList<>(jobs);
    sorted.sort(java.util.Comparator.comparingLong(Job::startMillis));
    long busy = 0;
    long from = Long.MIN_VALUE;
    long to = Long.MIN_VALUE;
    for (Job j : sorted) {
      if (j.startMillis() > to) {
        if (to > from) busy += to - from;
        from = j.startMillis();
        to = j.endMillis();
      } else {
        to = Math.max(to, j.endMillis());
      }
    }
    if (to > from) busy += to - from;
    return busy / 1000.0;
  }
}
