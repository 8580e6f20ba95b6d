package io.marketlake.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server of the local stack in its own JVM (the Kafka broker, the S3 server): launched and
 * awaited, stopped, and restarted on the same ports with the same data, one way for both.
 */
abstract class ServerJvm implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Path log;
  private final Duration startTimeout;
  private final Duration stopGrace;
  private volatile Process process;

  /**
   * @param name what the server is called in errors, e.g. "Kafka broker"
   * @param command the JVM options and main class or jar, as for {@link ChildJvm#start}
   * @param stopGrace how long {@link #close()} waits after SIGTERM before SIGKILL
   */
  ServerJvm(String name, List<String> command, Path log, Duration startTimeout,
      Duration stopGrace) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
    this.startTimeout = startTimeout;
    this.stopGrace = stopGrace;
  }

  /** Whether the launched server answers requests yet; polled until it does. */
  abstract boolean answers();

  /** Starts the JVM and waits until it {@link #answers()}, failing early if it exits. */
  final synchronized void launch() throws IOException {
    Process started = ChildJvm.start(command, log);
    process = started;
    ChildJvm.awaitReady(name, started, log, startTimeout, this::answers);
  }

  /** Whether the server process is running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Stops the server as {@link #close()} does, but it can be {@link #restart()}ed: its ports stay
   * in its configuration and its data on disk. For fault tests: an outage.
   */
  public void stop() {
    close();
  }

  /**
   * Starts the server again on the same ports with the same data and waits until it answers;
   * stops it first if it is running. Clients of the old process reconnect by themselves.
   */
  public synchronized void restart() throws IOException {
    if (process.isAlive()) close();
    launch();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  @Override
  public void close() {
    ChildJvm.stop(process.toHandle(), stopGrace);
  }
}
