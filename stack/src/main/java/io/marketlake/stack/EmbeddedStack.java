package io.marketlake.stack;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.StackEndpoints;
import io.marketlake.common.Topics;
import io.marketlake.common.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole local stack: an S3 server and a Kafka broker in their own JVMs, and the simulated
 * exchange (in this JVM, or in its own when {@link StackOptions#detached()}), all on 127.0.0.1 with
 * free ports, everything under the work directory. Start-up creates the bucket {@value #BUCKET} and
 * the topic {@link Topics#MARKET_DATA}, then writes {@code WORKDIR/stack.json}; {@link #close()}
 * stops the servers and deletes that file. An attached stack also stops when this JVM exits.
 *
 * <p>Integration tests in other modules share one stack per JVM through {@link #shared()} and keep
 * apart with {@link #uniqueTopic} and {@link #uniqueLakehouse}.
 */
public final class EmbeddedStack implements AutoCloseable {
  public static final String BUCKET = "marketlake";
  public static final String LAKEHOUSE = "s3a://" + BUCKET + "/lakehouse";
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicLong UNIQUE = new AtomicLong();
  private static EmbeddedStack shared;

  private final StackOptions options;
  private final S3Server s3;
  private final KafkaBroker kafka;
  private final SimulatedExchange exchange;
  private final Process exchangeProcess;
  private final StackEndpoints endpoints;
  private final boolean deleteWorkdir;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private Thread shutdownHook;

  private EmbeddedStack(StackOptions options, S3Server s3, KafkaBroker kafka,
      SimulatedExchange exchange, Process exchangeProcess, StackEndpoints endpoints,
      boolean deleteWorkdir) {
    this.options = options;
    this.s3 = s3;
    this.kafka = kafka;
    this.exchange = exchange;
    this.exchangeProcess = exchangeProcess;
    this.endpoints = endpoints;
    this.deleteWorkdir = deleteWorkdir;
  }

  /**
   * Starts the stack and waits until every server answers.
   *
   * @throws UsageException if a stack is already running (or starting) in the work directory
   * @throws IllegalStateException if a server does not come up; the message names its log file
   */
  public static EmbeddedStack start(StackOptions options) throws IOException {
    return start(options, false);
  }

  private static EmbeddedStack start(StackOptions options, boolean deleteWorkdir)
      throws IOException {
    Path workdir = options.workdir();
    Files.createDirectories(workdir);
    try (FileChannel channel = FileChannel.open(workdir.resolve(".stack.lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) throw new UsageException(StackErrors.alreadyRunning(workdir, "starting"));
      Optional<StackEndpoints> running = runningAt(workdir);
      if (running.isPresent()) {
        throw new UsageException(StackErrors.alreadyRunning(workdir, running.get().pids()));
      }
      return launch(options, deleteWorkdir);
    }
  }

  private static EmbeddedStack launch(StackOptions options, boolean deleteWorkdir)
      throws IOException {
    Path workdir = options.workdir();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      // Every server starts at once; on 2 cores this still saves seconds of JVM start-up.
      Process exchangeProcess = options.detached() ? startExchangeJvm(options) : null;
      if (exchangeProcess != null) {
        started.add(() -> ChildJvm.stop(exchangeProcess.toHandle(), Duration.ofSeconds(5)));
      }
      // S3 (and the S3 SDK's slow first use) meanwhile the broker starts: seconds saved.
      CompletableFuture<S3Server> s3Future = CompletableFuture.supplyAsync(() -> {
        S3Server server;
        try {
          server = S3Server.start(workdir.resolve("s3"), !options.detached());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        try {
          server.createBucket(BUCKET);
        } catch (RuntimeException e) {
          server.close();
          throw e;
        }
        return server;
      });
      KafkaBroker kafka;
      try {
        kafka = KafkaBroker.start(workdir.resolve("kafka"), !options.detached());
      } catch (RuntimeException | IOException e) {
        // wait for S3 and stop it: an exiting CLI must not leave it behind
        try {
          join(s3Future).close();
        } catch (RuntimeException | IOException s3Failed) {
          e.addSuppressed(s3Failed);
        }
        throw e;
      }
      started.add(kafka);
      S3Server s3 = join(s3Future);
      started.add(s3);
      kafka.createTopic(Topics.MARKET_DATA, options.partitions());

      SimulatedExchange exchange = null;
      String exchangeUrl;
      Map<String, Long> pids = new LinkedHashMap<>();
      pids.put("kafka", kafka.pid());
      pids.put("s3", s3.pid());
      if (exchangeProcess != null) {
        exchangeUrl = "http://127.0.0.1:" + awaitExchangePort(exchangeProcess, workdir);
        pids.put("exchange", exchangeProcess.pid());
      } else {
        exchange = SimulatedExchange.start(options.exchangeOptions());
        started.add(exchange);
        exchangeUrl = exchange.baseUrl();
      }
      StackEndpoints endpoints = new StackEndpoints(kafka.bootstrapServers(), s3.endpoint(),
          BUCKET, S3Server.ACCESS_KEY, S3Server.SECRET_KEY, exchangeUrl, Topics.MARKET_DATA,
          LAKEHOUSE, pids);
      endpoints.write(workdir);
      EmbeddedStack stack = new EmbeddedStack(options, s3, kafka, exchange, exchangeProcess,
          endpoints, deleteWorkdir);
      if (!options.detached()) {
        stack.shutdownHook = new Thread(stack::stopServers, "marketlake-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
      }
      return stack;
    } catch (RuntimeException | IOException e) {
      for (AutoCloseable c : started) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Process startExchangeJvm(StackOptions options) throws IOException {
    Path dir = options.workdir().resolve("exchange");
    Path portFile = exchangePortFile(options.workdir());
    Files.createDirectories(dir);
    Files.deleteIfExists(portFile);
    List<String> args = new ArrayList<>(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), SimulatedExchange.class.getName(),
        "--port-file", portFile.toString(),
        "--speed", Double.toString(options.exchangeSpeed()),
        "--seed", Long.toString(options.seed()),
        "--weight-limit", Integer.toString(options.weightLimit())));
    if (options.exchangeStart() != null) {
      args.addAll(List.of("--start", options.exchangeStart().toString()));
    }
    if (options.replayDir() != null) args.addAll(List.of("--replay", options.replayDir().toString()));
    args.addAll(FaultOptions.args(options.exchangeFaults()));
    return ChildJvm.start(args, dir.resolve("exchange.log"));
  }

  /** The exchange JVM writes its port once it serves (it binds port 0, so there is no race). */
  private static int awaitExchangePort(Process process, Path workdir) throws IOException {
    Path portFile = exchangePortFile(workdir);
    ChildJvm.awaitReady("Simulated exchange", process,
        workdir.resolve("exchange").resolve("exchange.log"), EXCHANGE_TIMEOUT,
        () -> Files.exists(portFile));
    return Integer.parseInt(Files.readString(portFile).trim());
  }

  private static Path exchangePortFile(Path workdir) {
    return workdir.resolve("exchange").resolve("port");
  }

  /**
   * One stack per JVM for integration tests, started on first use under a temporary directory,
   * stopped and deleted when the JVM exits.
   */
  public static synchronized EmbeddedStack shared() {
    if (shared == null || shared.stopped.get()) {
      try {
        Path dir = Files.createTempDirectory("marketlake-stack-");
        shared = start(StackOptions.defaults(dir), true);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the shared local stack", e);
      }
    }
    return shared;
  }

  /**
   * The stack.json of a stack running in {@code workdir}, if any of its servers is still alive.
   * A file whose processes are all gone (the machine rebooted, say) counts as not running.
   */
  public static Optional<StackEndpoints> runningAt(Path workdir) {
    Path abs = workdir.toAbsolutePath().normalize();
    if (!Files.exists(StackEndpoints.file(abs))) return Optional.empty();
    StackEndpoints endpoints = StackEndpoints.read(abs);
    boolean alive = endpoints.pids().values().stream()
        .anyMatch(pid -> ChildJvm.ours(pid, abs).isPresent());
    return alive ? Optional.of(endpoints) : Optional.empty();
  }

  /**
   * Stops the servers of the stack in {@code workdir} by the pids in its stack.json (this is
   * {@code stack down}; it works from any JVM) and deletes stack.json.
   *
   * @return whether anything was running
   */
  public static boolean stopAt(Path workdir) throws IOException {
    Path abs = workdir.toAbsolutePath().normalize();
    if (!Files.exists(StackEndpoints.file(abs))) return false;
    List<ProcessHandle> alive = StackEndpoints.read(abs).pids().values().stream()
        .flatMap(pid -> ChildJvm.ours(pid, abs).stream())
        .toList();
    alive.forEach(ProcessHandle::destroy);
    alive.forEach(p -> ChildJvm.stop(p, Duration.ofSeconds(20)));
    Files.deleteIfExists(StackEndpoints.file(abs));
    return !alive.isEmpty();
  }

  public StackEndpoints endpoints() {
    return endpoints;
  }

  public Path workdir() {
    return options.workdir();
  }

  public StackOptions options() {
    return options;
  }

  /** The in-process exchange; empty for a detached stack, whose exchange runs in its own JVM. */
  public Optional<SimulatedExchange> exchange() {
    return Optional.ofNullable(exchange);
  }

  public KafkaBroker kafka() {
    return kafka;
  }

  public S3Server s3() {
    return s3;
  }

  /** An S3 client for the stack's server; the caller closes it. */
  public S3Client newS3Client() {
    return s3.newClient();
  }

  /** Creates a topic no other test uses, with the stack's partition count, and returns its name. */
  public String uniqueTopic(String prefix) {
    String topic = unique(prefix);
    kafka.createTopic(topic, options.partitions());
    return topic;
  }

  /** A key prefix in the stack's bucket that no other test uses, e.g. {@code silver-7-1a2b3c4d}. */
  public String uniquePrefix(String prefix) {
    return unique(prefix);
  }

  /** A lakehouse root of its own in the stack's bucket: {@code s3a://marketlake/PREFIX-N-XXXX}. */
  public Lakehouse uniqueLakehouse(String prefix) {
    return new Lakehouse("s3a://" + BUCKET + "/" + unique(prefix));
  }

  private static String unique(String prefix) {
    String clean = prefix.replaceAll("[^A-Za-z0-9._-]", "-");
    return clean + "-" + UNIQUE.incrementAndGet() + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Stops every server and deletes stack.json; safe to call more than once. */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it stops the servers
      }
    }
    stopServers();
  }

  private void stopServers() {
    if (!stopped.compareAndSet(false, true)) return;
    if (exchange != null) exchange.close();
    // Ask all first so the JVMs shut down in parallel, then wait for each.
    if (exchangeProcess != null) exchangeProcess.destroy();
    kafka.requestStop();
    s3.requestStop();
    if (exchangeProcess != null) ChildJvm.stop(exchangeProcess.toHandle(), Duration.ofSeconds(5));
    kafka.close();
    s3.close();
    try {
      Files.deleteIfExists(StackEndpoints.file(options.workdir()));
      if (deleteWorkdir) deleteRecursively(options.workdir());
    } catch (IOException e) {
      System.err.println("marketlake stack: could not clean up " + options.workdir() + ": " + e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static <T> T join(CompletableFuture<T> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException io) throw io.getCause();
      if (cause instanceof RuntimeException re) throw re;
      throw e;
    }
  }
}
