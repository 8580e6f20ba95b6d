package io.marketlake.stack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Starting, watching and stopping the stack's server JVMs, and picking their ports. */
final class ChildJvm {
  private static final Duration POLL = Duration.ofMillis(100);

  private ChildJvm() {}

  /** The classpath a servers-module resource lists, e.g. {@code kafka-broker.classpath}. */
  static String classpath(String name) {
    String resource = "io/marketlake/stack/" + name;
    try (InputStream in = ChildJvm.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(StackErrors.missingClasspath(resource));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code java ARGS} with stdout and stderr appended to {@code log} and no stdin, so the
   * child never blocks on a pipe nobody reads and may outlive this JVM.
   */
  static Process start(List<String> args, Path log) throws IOException {
    return start(args, log, false);
  }

  /**
   * Starts {@code java ARGS} as {@link #start(List, Path)} does; with {@code stdinPipe} its
   * standard input is a pipe from this JVM instead (see {@link ParentBoundMain}).
   */
  static Process start(List<String> args, Path log, boolean stdinPipe) throws IOException {
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // First, so it survives the JDK's 4 KB truncation of command lines: see ours().
    command.add("-Dmarketlake.stack.dir=" + log.toAbsolutePath().getParent());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    File devNull = new File("/dev/null");
    if (!stdinPipe && devNull.exists()) {
      builder.redirectInput(ProcessBuilder.Redirect.from(devNull));
    }
    return builder.start();
  }

  /**
   * The JVM arguments that run {@code mainClass} from {@code classpath}: directly, or through
   * {@link ParentBoundMain} when the server belongs to this JVM. Its class is looked up after the
   * server's own classpath, so a fat jar holding it cannot shadow the server's classes.
   */
  static List<String> mainArgs(String classpath, String mainClass, List<String> args,
      boolean boundToParent) {
    List<String> out = new ArrayList<>();
    if (boundToParent) {
      out.addAll(List.of("-cp", classpath + File.pathSeparator + ownLocation(),
          ParentBoundMain.class.getName(), mainClass));
    } else {
      out.addAll(List.of("-cp", classpath, mainClass));
    }
    out.addAll(args);
    return out;
  }

  /** The directory or jar this class was loaded from. */
  private static String ownLocation() {
    try {
      return Path.of(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("Cannot locate the marketlake stack classes", e);
    }
  }

  /**
   * Polls {@code ready} until it holds, failing early (naming the log) if the process exits and
   * after {@code timeout} otherwise.
   */
  static void awaitReady(String what, Process process, Path log, Duration timeout,
      BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(StackErrors.exitedEarly(what, process.exitValue(), log));
      }
      if (ready.getAsBoolean()) return;
      if (System.nanoTime() > deadline) {
        stop(process.toHandle(), Duration.ofSeconds(5));
        throw new IllegalStateException(StackErrors.didNotStart(what, timeout, log));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
  static void stop(ProcessHandle process, Duration grace) {
    if (!process.isAlive()) return;
    process.destroy();
    awaitStop(process, grace);
  }

  /** Waits up to {@code grace} for a process already asked to stop, then SIGKILL. */
  static void awaitStop(ProcessHandle process, Duration grace) {
    if (!process.isAlive()) return;
    if (awaitExit(process, grace)) return;
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(10));
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /**
   * The live process with this pid, if its command line mentions {@code workdir} (every child
   * carries its directory, under the work directory, as its first JVM option): a pid written to
   * stack.json may since have been reused by an unrelated process, which must not be killed.
   */
  static Optional<ProcessHandle> ours(long pid, Path workdir) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine()
            .map(cmd -> cmd.contains(workdir.toAbsolutePath().normalize().toString()))
            .orElse(true));
  }

  /** A port on 127.0.0.1 free right now (a small race remains until the server binds it). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on 127.0.0.1", e);
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:port. */
  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
