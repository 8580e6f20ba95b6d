package io.marketlake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query's running micro-batch ends before the query is stopped, within the patience. */
class QueryStopsTest {
  // Static: the batch function runs on the stream thread and must not capture the test.
  private static volatile CountDownLatch batchStarted;
  private static volatile CountDownLatch release;
  private static final AtomicBoolean batchFinished = new AtomicBoolean();
  private static final AtomicBoolean batchInterrupted = new AtomicBoolean();

  @TempDir Path dir;

  @BeforeEach
  void resetBatch() {
    batchStarted = new CountDownLatch(1);
    release = new CountDownLatch(1);
    batchFinished.set(false);
    batchInterrupted.set(false);
  }

  @Test
  void aRunningBatchIsLetFinishAndTheQueryStopsRightAfter() throws Exception {
    StreamingQuery query = startBlockingQuery("stops-clean");
    assertThat(batchStarted.await(60, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<List<String>> stopped = stopAsync(query, Duration.ofMinutes(1));
    // The batch is held: the stop waits for it instead of interrupting it.
    Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> query.isActive() && !stopped.isDone());
    release.countDown();

    assertThat(stopped.get(60, TimeUnit.SECONDS)).isEmpty();
    assertThat(query.isActive()).isFalse();
    assertThat(query.exception().isEmpty()).isTrue();
    assertThat(batchFinished).isTrue();
    assertThat(batchInterrupted).isFalse();
  }

  @Test
  void aBatchStillRunningWhenThePatienceEndsIsStoppedAndNamed() throws Exception {
    StreamingQuery query = startBlockingQuery("stops-late");
    assertThat(batchStarted.await(60, TimeUnit.SECONDS)).isTrue();

    List<String> interrupted = QueryStops.stopBetweenBatches(List.of(query),
        Duration.ofMillis(200));

    assertThat(interrupted).containsExactly("stops-late");
    assertThat(query.isActive()).isFalse();
    assertThat(batchInterrupted).isTrue();
    assertThat(batchFinished).isFalse();
  }

  /** One batch at start (one file is there), then none for an hour: a query idle between batches. */
  private StreamingQuery startBlockingQuery(String name) throws Exception {
    Path input = Files.createDirectories(dir.resolve("in"));
    Files.writeString(input.resolve("one.txt"), "one\n");
    return TestSpark.get().readStream().text(input.toString())
        .writeStream()
        .queryName(name)
        .option("checkpointLocation", dir.resolve("checkpoint").toString())
        .trigger(Trigger.ProcessingTime(Duration.ofHours(1).toMillis()))
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> holdBatch())
        .start();
  }

  private static void holdBatch() {
    batchStarted.countDown();
    try {
      release.await();
      batchFinished.set(true);
    } catch (InterruptedException e) {
      batchInterrupted.set(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted mid-batch", e);
    }
  }

  private static CompletableFuture<List<String>> stopAsync(StreamingQuery query,
      Duration patience) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return QueryStops.stopBetweenBatches(List.of(query), patience);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
