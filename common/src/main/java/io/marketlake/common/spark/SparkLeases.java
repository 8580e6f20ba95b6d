package io.marketlake.common.spark;

import io.marketlake.common.lease.LakehouseLeases;
import io.marketlake.common.lease.LeasedJob;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/** A layer job's writer lease, with what losing it does to a Spark job: stop everything. */
public final class SparkLeases {
  private SparkLeases() {}

  /**
   * Runs {@code work} holding {@code job}'s lease on the context's lakehouse; if the lease is lost,
   * the session's streaming queries are stopped and its running Spark jobs cancelled, and the run
   * fails with the lease's one-line reason (see {@link LakehouseLeases#hold}).
   */
  public static <T> T hold(LayerContext ctx, LeasedJob job, Callable<T> work) throws Exception {
    return LakehouseLeases.hold(ctx.tables(), ctx.s3(), job, () -> stopAll(ctx.spark()), work);
  }

  private static void stopAll(SparkSession spark) {
    for (StreamingQuery query : spark.streams().active()) {
      try {
        query.stop();
      } catch (TimeoutException e) {
        // Cancelling the jobs below ends it all the same.
      }
    }
    spark.sparkContext().cancelAllJobs();
  }
}
