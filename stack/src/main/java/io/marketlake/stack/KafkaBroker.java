package io.marketlake.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka 4.1 broker in KRaft mode (broker and controller in one process) in its
 * own JVM, listening on 127.0.0.1 only. Its classpath comes from the {@code marketlake-stack-servers}
 * artifact, so broker jars never meet the caller's (Spark's) classpath. Data, configuration and the
 * log file live under the given directory; a restart in the same directory keeps the topics.
 * {@link #stop()} and {@link #restart()} take this broker down and bring it back on the same ports
 * with the same data, as a real broker restart does (for fault-injection tests of clients).
 */
public final class KafkaBroker extends ServerJvm {
  public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final int port;

  private KafkaBroker(int port, Path log, Path config, List<String> jvm, String classpath,
      boolean boundToParent) {
    super("Kafka broker", jvm, classpath, "kafka.Kafka", List.of(config.toString()), log,
        START_TIMEOUT, STOP_GRACE, boundToParent);
    this.port = port;
  }

  /** {@link #start(Path, boolean)} bound to this JVM. */
  public static KafkaBroker start(Path dir) throws IOException {
    return start(dir, true);
  }

  /**
   * Formats the storage if new, starts the broker and waits until it answers describeCluster.
   *
   * @param boundToParent whether the broker stops with this JVM ({@link ParentBoundMain})
   */
  public static KafkaBroker start(Path dir, boolean boundToParent) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    Path data = dir.resolve("data");
    Path log = dir.resolve("broker.log");
    Path config = dir.resolve("server.properties");
    Path log4j = dir.resolve("log4j2.properties");
    Files.createDirectories(data);
    try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka-log4j2.properties")) {
      Files.copy(in, log4j, StandardCopyOption.REPLACE_EXISTING);
    }
    int port = ChildJvm.freePort();
    int controllerPort = ChildJvm.freePort();
    Files.writeString(config, properties(port, controllerPort, data));
    String classpath = ChildJvm.classpath("kafka-broker.classpath");
    List<String> jvm = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
        "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j.toUri());

    if (!Files.exists(data.resolve("meta.properties"))) {
      format(concat(jvm, "-cp", classpath), config, log);
    }
    KafkaBroker broker = new KafkaBroker(port, log, config, jvm, classpath, boundToParent);
    broker.launch();
    return broker;
  }

  /** Listening, then a cluster with a node: a cheap socket check before each admin client. */
  @Override
  boolean answers() {
    if (!ChildJvm.listening(port)) return false;
    try (Admin admin = admin()) {
      return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** Single node on loopback; values that differ from Kafka's defaults say why. */
  static String properties(int port, int controllerPort, Path data) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "log.dirs=" + data,
        // one node: every internal topic has a single replica
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // small internal topics and no rebalance delay: consumer groups in tests start at once
        "offsets.topic.num.partitions=1",
        "transaction.state.log.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        // backfilled candles carry old timestamps; time-based retention would delete them
        "log.retention.ms=-1",
        // a 2-core machine shared with Spark
        "num.network.threads=2",
        "num.io.threads=4",
        "");
  }

  private static void format(List<String> jvm, Path config, Path log) throws IOException {
    // Static quorum (controller.quorum.voters): Kafka 4.1 refuses --standalone with it.
    Process format = ChildJvm.start(concat(jvm, "kafka.tools.StorageTool", "format",
        "-t", Uuid.randomUuid().toString(), "-c", config.toString()), log);
    try {
      if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        format.destroyForcibly();
        throw new IllegalStateException(StackErrors.didNotStart("Kafka storage format",
            START_TIMEOUT, log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      format.destroyForcibly();
      throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
    }
    if (format.exitValue() != 0) {
      throw new IllegalStateException(
          StackErrors.exitedEarly("Kafka storage format", format.exitValue(), log));
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
  }

  /** Creates {@code topic} with one replica, or leaves it as it is if it exists. */
  public void createTopic(String topic, int partitions) {
    createTopic(bootstrapServers(), topic, partitions);
  }

  static void createTopic(String bootstrap, String topic, int partitions) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + topic + " on " + bootstrap
            + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + topic, e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Timed out creating topic " + topic + " on " + bootstrap, e);
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> out = new java.util.ArrayList<>(head);
    out.addAll(List.of(tail));
    return out;
  }
}
