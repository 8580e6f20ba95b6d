package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server bound to its parent ignores the signals a terminal or a service manager sends to the
 * whole process group, and stops cleanly (exit 0, its shutdown hooks run) when its parent closes
 * its standard input; one started for {@code stack up} still stops on SIGTERM.
 */
class ParentBoundMainTest {
  private static final int SIGHUP = 1;
  private static final int SIGINT = 2;
  private static final int SIGTERM = 15;

  @TempDir Path dir;

  @Test
  void aBoundServerIgnoresGroupSignalsAndStopsWhenItsInputEnds() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
    try (Sleeper server = new Sleeper(dir, true)) {
      server.launch();
      long ignored = ignoredSignals(server.pid());
      for (int signal : new int[] {SIGHUP, SIGINT, SIGTERM}) {
        assertThat(ignored & (1L << (signal - 1))).as("signal %d ignored", signal).isNotZero();
      }
      for (String signal : List.of("INT", "TERM", "HUP")) {
        kill(signal, server.pid());
      }
      assertThat(server.isRunning()).isTrue();

      ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
      server.requestStop();
      assertThat(handle.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(server.exitCode()).as(Files.readString(server.log())).isZero();
      assertThat(Files.readString(server.log())).contains("shutdown hook ran");
    }
  }

  @Test
  void aDetachedServerStopsOnSigterm() throws Exception {
    try (Sleeper server = new Sleeper(dir, false)) {
      server.launch();
      kill("TERM", server.pid());
      ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();
      assertThat(handle.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(server.exitCode()).isEqualTo(128 + SIGTERM);
    }
  }

  /** The SigIgn mask of /proc/PID/status: bit N-1 set when signal N is ignored. */
  private static long ignoredSignals(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(line -> line.startsWith("SigIgn:"))
        .map(line -> new BigInteger(line.substring("SigIgn:".length()).trim(), 16).longValue())
        .findFirst().orElseThrow();
  }

  private static void kill(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).start();
    assertThat(kill.waitFor()).as("kill -s %s %d", signal, pid).isZero();
  }

  /** {@link SleepingMain} as a stack server: it answers once its main has started. */
  private static final class Sleeper extends ServerJvm {
    private final Path ready;

    Sleeper(Path dir, boolean boundToParent) {
      super("sleeper", List.of("-Xmx32m", "-XX:+UseSerialGC"),
          System.getProperty("java.class.path"), SleepingMain.class.getName(),
          List.of(dir.resolve("ready").toString()), dir.resolve("sleeper.log"),
          Duration.ofSeconds(30), Duration.ofSeconds(10), boundToParent);
      this.ready = dir.resolve("ready");
    }

    @Override
    boolean answers() {
      return Files.exists(ready);
    }

    int exitCode() throws InterruptedException {
      return process().waitFor();
    }
  }

  /** Writes its ready file, then blocks until stopped; says so from its shutdown hook. */
  public static final class SleepingMain {
    public static void main(String[] args) throws Exception {
      Runtime.getRuntime().addShutdownHook(new Thread(
          () -> System.out.println("shutdown hook ran")));
      Files.writeString(Path.of(args[0]), "ready");
      new java.util.concurrent.CountDownLatch(1).await();   // never counted down
    }
  }
}
