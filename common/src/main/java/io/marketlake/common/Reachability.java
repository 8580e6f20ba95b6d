package io.marketlake.common;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fails fast, with one line naming the endpoint and the option that set it, when a service is not
 * listening at all. Without this, Kafka and S3 clients retry for minutes before saying anything.
 */
public final class Reachability {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger KAFKA_PROBES = new AtomicInteger();
  private static final AtomicInteger S3_PROBES = new AtomicInteger();

  private Reachability() {}

  /** A service that does not accept connections. Exit code 1: a runtime failure, not usage. */
  public static final class UnreachableException extends RuntimeException {
    UnreachableException(String message) {
      super(message);
    }
  }

  /**
   * Passes when at least one of the comma-separated {@code host:port} servers accepts a TCP
   * connection.
   */
  public static void requireKafka(String bootstrapServers, String option) {
    KAFKA_PROBES.incrementAndGet();
    for (String server : bootstrapServers.split(",")) {
      String hostPort = server.trim().replaceFirst("^[A-Za-z_]+://", "");
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new UsageException("Invalid Kafka server '" + server.trim()
            + "': expected HOST:PORT, e.g. 127.0.0.1:9092 (" + option + ")");
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UsageException("Invalid Kafka server '" + server.trim()
            + "': the port is not a number (" + option + ")");
      }
      if (accepts(hostPort.substring(0, colon), port)) return;
    }
    throw new UnreachableException("Cannot reach Kafka at " + bootstrapServers + " within "
        + CONNECT_TIMEOUT.toSeconds() + " s: is the broker running, and is the address right? ("
        + option + ")");
  }

  /** Passes for AWS S3 (no endpoint) and for an endpoint that accepts a TCP connection. */
  public static void requireS3(S3Settings s3) {
    S3_PROBES.incrementAndGet();
    if (s3.endpoint() == null) return;
    URI uri;
    try {
      uri = URI.create(s3.endpoint());
    } catch (IllegalArgumentException e) {
      throw new UsageException("Invalid S3 endpoint '" + s3.endpoint()
          + "': expected a URL such as http://127.0.0.1:9000 (--s3-endpoint)");
    }
    if (uri.getHost() == null) {
      throw new UsageException("Invalid S3 endpoint '" + s3.endpoint()
          + "': expected a URL such as http://127.0.0.1:9000 (--s3-endpoint)");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    if (!accepts(uri.getHost(), port)) {
      throw new UnreachableException("Cannot reach S3 at " + s3.endpoint() + " within "
          + CONNECT_TIMEOUT.toSeconds() + " s: is the server running, and is the URL right?"
          + " (--s3-endpoint, or the stack's stack.json with --workdir)");
    }
  }

  static boolean accepts(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Kafka probes made by this JVM so far: a layer run makes one (its tests count them). */
  public static int kafkaProbes() {
    return KAFKA_PROBES.get();
  }

  /** S3 probes made by this JVM so far, AWS S3's no-op included: a layer run makes one. */
  public static int s3Probes() {
    return S3_PROBES.get();
  }
}
