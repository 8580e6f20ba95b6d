package io.marketlake.common;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a Spark layer reads and writes, as picocli options shared by every layer command.
 *
 * <p>Precedence for each value: an explicit option, then {@code --workdir DIR}'s {@code stack.json}
 * (a running local stack, read once), then the default (AWS S3 with the default credentials
 * chain).
 */
public final class LakehouseOptions {
  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Work directory of a running local stack ('stack up'): endpoints and the"
          + " lakehouse location are read from DIR/stack.json unless given explicitly.")
  Path workdir;

  @Option(names = "--lakehouse", paramLabel = "URI",
      description = "Lakehouse root holding every table and checkpoint,"
          + " e.g. s3a://my-bucket/lakehouse (or file:///tmp/lakehouse).")
  String lakehouse;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "S3-compatible endpoint, e.g. http://127.0.0.1:9000. Omit for AWS S3.")
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = S3Settings.DEFAULT_REGION,
      description = "S3 signing region (default: ${DEFAULT-VALUE}).")
  String s3Region;

  @Option(names = "--s3-access-key", paramLabel = "KEY",
      description = "Static key for a local S3 server only. Omit on AWS: the default credentials"
          + " chain (instance profile, IRSA, environment) is used.")
  String s3AccessKey;

  @Option(names = "--s3-secret-key", paramLabel = "SECRET", description = "See --s3-access-key.")
  String s3SecretKey;

  @Option(names = "--master", paramLabel = "MASTER", defaultValue = Defaults.SPARK_MASTER,
      description = "Spark master when not run by spark-submit (default: ${DEFAULT-VALUE}).")
  String master;

  private StackEndpoints stack;
  private boolean stackRead;

  /** {@code --workdir}, or null. */
  public Path workdir() {
    return workdir;
  }

  /** The stack of {@code --workdir} (its stack.json read on the first call only), or null. */
  public StackEndpoints stack() {
    if (!stackRead) {
      stack = workdir == null ? null : StackEndpoints.read(workdir);
      stackRead = true;
    }
    return stack;
  }

  public Lakehouse lakehouse() {
    return new Lakehouse(StackEndpoints.pick(lakehouse, stack(), StackEndpoints::lakehouse, null));
  }

  public S3Settings s3() {
    StackEndpoints stack = stack();
    return new S3Settings(StackEndpoints.pick(s3Endpoint, stack, StackEndpoints::s3Endpoint, null),
        s3Region, StackEndpoints.pick(s3AccessKey, stack, StackEndpoints::s3AccessKey, null),
        StackEndpoints.pick(s3SecretKey, stack, StackEndpoints::s3SecretKey, null));
  }

  public String master() {
    return master;
  }
}
