package io.marketlake.common.spark;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.LakehouseOptions;
import io.marketlake.common.Reachability;
import io.marketlake.common.S3Settings;
import io.marketlake.common.lease.LakehouseLeases;
import io.marketlake.common.lease.LeasedJob;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * What a layer job runs with: the Spark session, the lakehouse's tables, and the storage settings
 * its writer lease uses. Made once per run at the command's edge, so that a run resolves its
 * endpoints once, probes S3 and Kafka once each and builds one session; jobs only take it.
 *
 * @param tables where every table and checkpoint of the lakehouse is
 * @param s3 how the lakehouse's storage is reached (S3A is already pointed at it)
 */
public record LayerContext(SparkSession spark, Lakehouse tables, S3Settings s3) {
  private static final AtomicInteger SESSIONS_OPENED = new AtomicInteger();

  public LayerContext {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(tables, "tables");
    Objects.requireNonNull(s3, "s3");
  }

  /**
   * For a command without a writer lease (report, predictions, gaps, maintenance): probes S3,
   * then gets or builds the session.
   */
  public static LayerContext open(String appName, LakehouseOptions where) {
    return open(appName, where.lakehouse(), where.s3(), where.master());
  }

  /**
   * For a writer job: probes S3 and, when {@code kafkaBootstrap} is not null, Kafka; refuses at
   * once if another live writer holds {@code job}'s lease; then gets or builds the session. All
   * before Spark spends its seconds of start-up.
   */
  public static LayerContext forWriting(LeasedJob job, LakehouseOptions where,
      String kafkaBootstrap) throws Exception {
    Lakehouse tables = where.lakehouse();
    S3Settings s3 = where.s3();
    Reachability.requireS3(s3);
    if (kafkaBootstrap != null) Reachability.requireKafka(kafkaBootstrap, "--bootstrap-servers");
    LakehouseLeases.refuseIfHeld(tables, s3, job);
    return session("marketlake-" + job.id(), where.master(), tables, s3);
  }

  /**
   * For a program that resolved its endpoints itself (the demo, the live pipeline): probes S3,
   * then gets or builds the session.
   *
   * @param master used only when no cluster manager set one
   */
  public static LayerContext open(String appName, Lakehouse tables, S3Settings s3,
      String master) {
    Reachability.requireS3(s3);   // a wrong endpoint is said in a second, before Spark starts
    return session(appName, master, tables, s3);
  }

  /**
   * Around a session that already exists (tests, benchmarks, the demo, a notebook): points S3A at
   * {@code s3} and pins UTC, without probing.
   */
  public static LayerContext of(SparkSession spark, Lakehouse tables, S3Settings s3) {
    LakehouseSpark.configure(spark, s3);
    return new LayerContext(spark, tables, s3);
  }

  /** How many times this JVM opened a session for a command: once per layer run. */
  public static int sessionsOpened() {
    return SESSIONS_OPENED.get();
  }

  private static LayerContext session(String appName, String master, Lakehouse tables,
      S3Settings s3) {
    SESSIONS_OPENED.incrementAndGet();
    return new LayerContext(LakehouseSpark.getOrCreate(appName, master, s3), tables, s3);
  }
}
