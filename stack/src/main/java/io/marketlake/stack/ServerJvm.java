package io.marketlake.stack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  private final boolean boundToParent;
  private volatile Process process;

  /**
   * @param name what the server is called in errors, e.g. "Kafka broker"
   * @param jvmOptions options before the classpath, e.g. the heap size
   * @param boundToParent whether the server belongs to this JVM and stops with it, ignoring the
   *     signals of its process group ({@link ParentBoundMain}); false for {@code stack up}, whose
   *     servers outlive the command that started them
   * @param stopGrace how long {@link #close()} waits for the server to stop before SIGKILL
   */
  ServerJvm(String name, List<String> jvmOptions, String classpath, String mainClass,
      List<String> args, Path log, Duration startTimeout, Duration stopGrace,
      boolean boundToParent) {
    this.name = name;
    List<String> command = new ArrayList<>(jvmOptions);
    command.addAll(ChildJvm.mainArgs(classpath, mainClass, args, boundToParent));
    this.command = List.copyOf(command);
    this.log = log;
    this.startTimeout = startTimeout;
    this.stopGrace = stopGrace;
    this.boundToParent = boundToParent;
  }

  /** Whether the launched server answers requests yet; polled until it does. */
  abstract boolean answers();

  /** Starts the JVM and waits until it {@link #answers()}, failing early if it exits. */
  final synchronized void launch() throws IOException {
    Process started = ChildJvm.start(command, log, boundToParent);
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

  /** The running (or last) server process. */
  final Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  /**
   * Asks the server to stop and returns at once (to stop several in parallel): closes its
   * standard input if it is bound to this JVM, else sends SIGTERM.
   */
  void requestStop() {
    Process p = process;
    if (!p.isAlive()) return;
    if (!boundToParent) {
      p.destroy();
      return;
    }
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // the pipe is gone already: the server sees the end of its input either way
    }
  }

  /** {@link #requestStop()}, then SIGKILL if it has not exited within the grace period. */
  @Override
  public void close() {
    requestStop();
    ChildJvm.awaitStop(process.toHandle(), stopGrace);
  }
}
