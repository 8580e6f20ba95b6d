package io.marketlake.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * A local S3-compatible server (S3Proxy 4.1) in its own JVM on 127.0.0.1, with the filesystem
 * backend: bucket {@code B}'s object {@code K} is the plain file {@code DIR/data/B/K}. It accepts
 * AWS signature v2 and v4 with one fixed local key pair; these keys mean nothing outside this
 * machine and are never used against AWS.
 */
public final class S3Server extends ServerJvm {
  public static final String ACCESS_KEY = "marketlake-local";
  public static final String SECRET_KEY = "marketlake-local-secret";
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** The Main-Class of S3Proxy's jar-with-dependencies. */
  private static final String MAIN_CLASS = "org.gaul.s3proxy.Main";

  private final int port;
  private final Path dataDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private S3Server(int port, Path dataDir, Path log, List<String> jvm, List<String> args,
      boolean boundToParent) {
    super("S3 server", jvm, ChildJvm.classpath("s3proxy.classpath"), MAIN_CLASS, args, log,
        START_TIMEOUT, Duration.ofSeconds(10), boundToParent);
    this.port = port;
    this.dataDir = dataDir;
  }

  /** {@link #start(Path, boolean)} bound to this JVM. */
  public static S3Server start(Path dir) throws IOException {
    return start(dir, true);
  }

  /**
   * Starts S3Proxy with its data, configuration and log under {@code dir} and waits for it.
   *
   * @param boundToParent whether the server stops with this JVM ({@link ParentBoundMain})
   */
  public static S3Server start(Path dir, boolean boundToParent) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Path data = dir.resolve("data");
    Path log = dir.resolve("s3proxy.log");
    Path config = dir.resolve("s3proxy.properties");
    Files.createDirectories(data);
    int port = ChildJvm.freePort();
    String endpoint = "http://127.0.0.1:" + port;
    Files.writeString(config, String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem-nio2",
        "jclouds.identity=" + ACCESS_KEY,
        "jclouds.credential=" + SECRET_KEY,
        "jclouds.filesystem.basedir=" + data,
        ""));
    S3Server server = new S3Server(port, data, log, List.of("-Xms32m", "-Xmx256m",
        "-XX:+UseSerialGC", "-DLOG_LEVEL=warn", "-DJETTY_LOG_LEVEL=warn"),
        List.of("--properties", config.toString()), boundToParent);
    server.launch();
    return server;
  }

  @Override
  boolean answers() {
    HttpRequest probe = HttpRequest.newBuilder(URI.create(endpoint() + "/"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      // Any HTTP answer (an unsigned request gets 403) means the server is up.
      return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** For example {@code http://127.0.0.1:41234}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Where bucket directories and object files live. */
  public Path dataDir() {
    return dataDir;
  }

  /** A client for this server; the caller closes it. */
  public S3Client newClient() {
    return client(endpoint(), ACCESS_KEY, SECRET_KEY);
  }

  /** Creates {@code bucket} unless it exists. */
  public void createBucket(String bucket) {
    try (S3Client s3 = newClient()) {
      createBucket(s3, bucket);
    }
  }

  static void createBucket(S3Client s3, String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException raced) {
        // created meanwhile: fine
      }
    }
  }

  /** Path-style (no bucket DNS names on 127.0.0.1), us-east-1, static local keys. */
  static S3Client client(String endpoint, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }
}
