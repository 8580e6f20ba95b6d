package io.marketlake.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DemoBreakdownTest {
  private static SparkWork.Job job(int id, long start, long end, String what) {
    return new SparkWork.Job(id, start, end, 2, 8, 1500, what, null, null);
  }

  @Test
  void overlappingJobsCountOnceInTheBusyTime() {
    List<SparkWork.Job> jobs = List.of(job(1, 1_000, 3_000, "a"), job(2, 2_000, 4_000, "b"),
        job(3, 10_000, 10_500, "a"));
    // 1..4 s and 10..10.5 s.
    assertThat(SparkWork.busySeconds(jobs)).isEqualTo(3.5);
    assertThat(SparkWork.busySeconds(List.of())).isZero();
  }

  @Test
  void jobsAreNamedByDescriptionWithoutNumbersElseByCallSite() {
    Properties delta = new Properties();
    delta.setProperty("spark.job.description", "Delta: Compute snapshot for version: 12");
    delta.setProperty("callSite.short", "collect at Rollups.java:88");
    Properties plain = new Properties();
    plain.setProperty("callSite.short", "count at  SilverJob.java:120");
    assertThat(SparkWork.what(delta)).isEqualTo("Delta: Compute snapshot for version: N");
    assertThat(SparkWork.what(plain)).isEqualTo("count at SilverJob.java:N");
    assertThat(SparkWork.what(null)).isEqualTo(SparkWork.NONE);
    Properties streaming = new Properties();
    streaming.setProperty("spark.job.description", "silver_candles_1m\nid = 3f2a-9b\n"
        + "runId = 77c-1d\nbatch = 12");
    assertThat(SparkWork.what(streaming)).isEqualTo("silver_candles_Nm batch N");
  }

  @Test
  void eachStageGetsTheJobsThatStartedInItItsCommitsAndRequests() {
    var stages = List.of(
        new DemoBreakdown.StageWork("ingest", 0, 5_000, Map.of(), 0),
        new DemoBreakdown.StageWork("bronze", 5_000, 15_000, Map.of("object_list_request", 7L,
            "object_continue_list_request", 1L, "action_http_head_request", 20L,
            "object_put_request", 4L, "audit_request_execution", 99L), 3),
        new DemoBreakdown.StageWork("silver", 15_000, 85_000, Map.of("action_http_get_request",
            11L), 6));
    var jobs = List.of(job(1, 6_000, 9_000, "Delta: Compute snapshot for version: N"),
        job(2, 8_000, 10_000, "Delta: Compute snapshot for version: N"),
        job(3, 20_000, 30_000, "collect at SilverJob.java:N"));

    var section = DemoBreakdown.section(stages, jobs);

    assertThat(section.headlines()).containsExactly(
        "**the demo's pipeline stages (ingest to count, without the build and the stack's"
            + " start): 85.0 s** (target ≤ 60 s: missed)",
        "3 Spark jobs, 9 Delta commits, 43 S3 requests");
    assertThat(section.body().lines()).contains(
        "| ingest | 5.0 | 0 | 0 | 0 | 0.0 | 5.0 | 0.0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        // 8 LIST + 20 HEAD + 4 PUT; the audit counter is not a request kind of its own.
        "| bronze | 10.0 | 2 | 4 | 16 | 4.0 | 6.0 | 3.0 | 3 | 32 | 8 | 20 | 0 | 4 | 0 |",
        "| silver | 70.0 | 1 | 2 | 8 | 10.0 | 60.0 | 1.5 | 6 | 11 | 0 | 0 | 11 | 0 | 0 |",
        "| bronze | `Delta: Compute snapshot for version: N` | 2 | 4.0 |",
        "| silver | `collect at SilverJob.java:N` | 1 | 10.0 |");
  }
}
