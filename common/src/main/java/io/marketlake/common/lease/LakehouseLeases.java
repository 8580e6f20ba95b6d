package io.marketlake.common.lease;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The lease store of a lakehouse: {@code ROOT/_leases/}, on the lakehouse's own storage. */
public final class LakehouseLeases {
  /** One S3 call may not stall a heartbeat for longer than this. */
  private static final Duration S3_CALL_TIMEOUT = Duration.ofSeconds(8);

  private LakehouseLeases() {}

  /**
   * The store for {@code s3a://}, {@code s3://} and {@code file:} roots; empty for other storage
   * (dbfs:, abfss:, hdfs:), which has no lease yet (docs/leases.md).
   */
  public static Optional<LeaseStore> store(Lakehouse lakehouse, S3Settings s3) {
    // The folder holding every job's folder: leases("x") is DIR/x.
    URI dir = URI.create(lakehouse.leases("x").replaceFirst("/x$", ""));
    String scheme = dir.getScheme() == null ? "file" : dir.getScheme();
    switch (scheme) {
      case "s3a", "s3", "s3n" -> {
        String prefix = dir.getPath().replaceFirst("^/", "");
        return Optional.of(new S3LeaseStore(client(s3), dir.getHost(), prefix, scheme));
      }
      case "file" -> {
        return Optional.of(new FileLeaseStore(Path.of(dir.getPath())));
      }
      default -> {
        return Optional.empty();
      }
    }
  }

  /**
   * Runs {@code work} holding the lease of {@code job} on {@code lakehouse} (see
   * {@link WriterLease#hold}), with the heartbeat of {@link WriterLease#configuredHeartbeat()}.
   * On storage without a lease store it says so in one line on stderr and runs unguarded.
   */
  public static <T> T hold(Lakehouse lakehouse, S3Settings s3, LeasedJob job, Runnable onLost,
      Callable<T> work) throws Exception {
    Optional<LeaseStore> store = store(lakehouse, s3);
    if (store.isEmpty()) {
      System.err.println("warning: no writer lease on " + lakehouse.root() + " (only s3a://,"
          + " s3:// and file: lakehouses have one): make sure only one " + job.id() + " runs");
      return work.call();
    }
    try {
      return WriterLease.hold(store.get(), job.id(), WriterLease.configuredHeartbeat(), onLost,
          work);
    } finally {
      if (store.get() instanceof AutoCloseable closeable) closeable.close();
    }
  }

  /**
   * Fails fast, before a Spark session starts, if another live writer holds {@code job}'s lease
   * on {@code lakehouse}; the job itself takes the lease later ({@link #hold}).
   *
   * @throws LeaseHeldException with the one-line refusal
   */
  public static void refuseIfHeld(Lakehouse lakehouse, S3Settings s3, LeasedJob job)
      throws Exception {
    Optional<LeaseStore> store = store(lakehouse, s3);
    if (store.isEmpty()) return;
    try {
      WriterLease.refuseIfHeld(store.get(), job.id(), LeaseHolder.current());
    } finally {
      if (store.get() instanceof AutoCloseable closeable) closeable.close();
    }
  }

  /** An S3 client for the settings: the same endpoint, path style and keys S3A uses. */
  static S3Client client(S3Settings s3) {
    var builder = S3Client.builder()
        .region(Region.of(s3.region()))
        .overrideConfiguration(o -> o.apiCallTimeout(S3_CALL_TIMEOUT));
    if (s3.endpoint() != null) {
      builder.endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true);
    }
    builder.credentialsProvider(s3.hasStaticKeys()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(),
            s3.secretKey()))
        : DefaultCredentialsProvider.create());
    return builder.build();
  }
}
