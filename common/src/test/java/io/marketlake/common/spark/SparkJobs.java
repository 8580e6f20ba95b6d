package io.marketlake.common.spark;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** How many Spark jobs a piece of code starts: for tests of "this costs no Spark job". */
public final class SparkJobs {
  private SparkJobs() {}

  /** {@code work}'s result and the Spark jobs started on {@code spark}'s context while it ran. */
  public record Counted<T>(T value, int jobs) {}

  public static <T> Counted<T> count(SparkSession spark, Callable<T> work) throws Exception {
    AtomicInteger started = new AtomicInteger();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        started.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      T value = work.call();
      // Listener events are delivered asynchronously: wait until those of the work are in.
      spark.sparkContext().listenerBus().waitUntilEmpty();
      return new Counted<>(value, started.get());
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}
