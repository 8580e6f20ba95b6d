package io.marketlake.it;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers, each in its own JVM, from
 * Spark's own classes in the Maven-fetched jars. Workers start executors in JVMs of their own, as
 * on any cluster, from a {@code SPARK_HOME} laid out here: {@code jars/} links every jar of the
 * cluster classpath ({@link LayerJars#clusterClasspath()}), which is what a Spark distribution's
 * {@code jars/} holds.
 */
final class SparkCluster implements AutoCloseable {
  private static final Duration START = Duration.ofMinutes(2);
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final List<Process> processes = new ArrayList<>();
  private final Path home;
  private final int port;
  private final int webPort;

  private SparkCluster(Path home, int port, int webPort) {
    this.home = home;
    this.port = port;
    this.webPort = webPort;
  }

  /** Starts a master and {@code workers} workers of one core each, and waits until all joined. */
  static SparkCluster start(Path dir, int workers) throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String entry : LayerJars.clusterClasspath().split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) continue;
      Path link = jars.resolve(jar.getFileName());
      if (!Files.exists(link)) Files.createSymbolicLink(link, jar.toAbsolutePath());
    }
    SparkCluster cluster = new SparkCluster(home, freePort(), freePort());
    try {
      cluster.launch("master", List.of("org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(cluster.port),
          "--webui-port", String.valueOf(cluster.webPort)));
      for (int i = 0; i < workers; i++) {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
        cluster.launch("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker",
            cluster.masterUrl(), "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
            "--webui-port", String.valueOf(freePort()), "--work-dir", workDir.toString()));
      }
      long started = System.nanoTime();
      Awaitility.await().atMost(START).pollInterval(Duration.ofMillis(500))
          .until(() -> cluster.aliveWorkers() == workers);
      System.out.printf("SparkCluster: a master and %d workers up in %.1f s%n", workers,
          (System.nanoTime() - started) / 1e9);
    } catch (RuntimeException | IOException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** For example {@code spark://127.0.0.1:41234}. */
  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The SPARK_HOME the workers run executors from. */
  Path home() {
    return home;
  }

  private void launch(String name, List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", home.resolve("jars").toString() + File.separator + "*"));
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(home.resolveSibling(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", home.toString());
    // A distribution's launcher scripts say this; executors' command lines are built from it.
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(builder.start());
  }

  private int aliveWorkers() {
    for (Process p : processes) {
      if (!p.isAlive()) throw new IllegalStateException("A cluster JVM exited; see " + home);
    }
    try {
      HttpResponse<String> json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + webPort + "/json/")).build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = ALIVE_WORKERS.matcher(json.body());
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Workers first (they kill their executors), then the master. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
