package io.marketlake.ingest;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns SIGTERM / Ctrl-C into an orderly stop: the JVM's shutdown hook asks the running job to
 * stop, waits until the command has flushed Kafka, saved its resume points and printed its summary
 * (signalled by {@link #close}), then ends the process with exit code 0.
 */
final class ShutdownSignal implements AutoCloseable {
  static final long DRAIN_SECONDS = 60;

  private final AtomicReference<Runnable> stopAction = new AtomicReference<>(() -> {});
  private final CountDownLatch drained = new CountDownLatch(1);
  private final Thread hook;

  private ShutdownSignal() {
    hook = new Thread(() -> {
      stopAction.get().run();
      try {
        drained.await(DRAIN_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // halt, not exit: we are already inside shutdown, and a signal-ended JVM would report 143.
      Runtime.getRuntime().halt(0);
    }, "ingest-shutdown");
  }

  static ShutdownSignal install() {
    ShutdownSignal signal = new ShutdownSignal();
    Runtime.getRuntime().addShutdownHook(signal.hook);
    return signal;
  }

  /** What to run when the signal arrives. */
  void onStop(Runnable action) {
    stopAction.set(action);
  }

  /** The command has flushed and reported: the process may end now. */
  @Override
  public void close() {
    drained.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutdown already under way: the hook halts the JVM
    }
  }
}
