package io.marketlake.common.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Stops streaming queries between two micro-batches rather than in the middle of one.
 * {@link StreamingQuery#stop()} interrupts the stream thread wherever it is: a batch caught
 * writing is aborted (and replayed from the checkpoint on restart, so nothing is lost), but its
 * tasks, S3 calls and Delta writer each log the interruption as an error, a screenful for what
 * was an ordinary Ctrl-C. Between batches the thread only waits for its next trigger, and stopping
 * it there is silent.
 */
public final class QueryStops {
  private static final long POLL_MILLIS = 20;

  private QueryStops() {}

  /**
   * Stops each of {@code queries} as soon as no micro-batch of it is running, all of them within
   * {@code patience}: a query still busy then (a batch stuck on an outage, or back-to-back batches
   * of a backlog) is stopped mid-batch all the same. A trigger can still begin between the check
   * and the stop; it is then interrupted while planning, before it writes.
   *
   * @return the queries that had to be stopped mid-batch (empty when all stopped cleanly)
   */
  public static List<String> stopBetweenBatches(List<StreamingQuery> queries, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    List<StreamingQuery> running = new ArrayList<>(queries);
    List<String> interrupted = new ArrayList<>();
    while (!running.isEmpty()) {
      boolean late = System.nanoTime() >= deadline;
      for (var it = running.iterator(); it.hasNext(); ) {
        StreamingQuery query = it.next();
        boolean inBatch = query.isActive() && query.status().isTriggerActive();
        if (!inBatch || late) {
          if (inBatch) interrupted.add(query.name());
          stop(query);
          it.remove();
        }
      }
      if (!running.isEmpty()) Thread.sleep(POLL_MILLIS);   // polling the status: nothing to wait on
    }
    return interrupted;
  }

  private static void stop(StreamingQuery query) {
    try {
      query.stop();
    } catch (TimeoutException e) {
      // spark.sql.streaming.stopTimeout passed: the thread is left to die with the session.
    }
  }
}
