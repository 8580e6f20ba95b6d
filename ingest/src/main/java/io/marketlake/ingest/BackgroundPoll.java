package io.marketlake.ingest;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ingest poll} on a thread of its own, for programs that run it next to other work
 * ({@code live}): started at once, stopped by {@link #close()}, which waits until Kafka is flushed
 * and the resume points are saved, as Ctrl-C does for the command.
 */
public final class BackgroundPoll implements AutoCloseable {
  private final AtomicReference<PollJob> job = new AtomicReference<>();
  private volatile boolean stopping;
  private final CompletableFuture<PollResult> result = new CompletableFuture<>();

  private BackgroundPoll() {}

  /**
   * Connects (on the poll thread) and polls without an end until closed.
   *
   * @param log where the poller's activity lines go (one per cycle: at an accelerated exchange,
   *     one a second), appended
   */
  public static BackgroundPoll start(IngestConfig config, java.nio.file.Path log)
      throws java.io.IOException {
    java.nio.file.Files.createDirectories(log.toAbsolutePath().getParent());
    java.io.PrintWriter writer = new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
        log, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND),
        true);
    BackgroundPoll poll = new BackgroundPoll();
    Thread thread = new Thread(() -> {
      try (IngestRuntime rt = IngestRuntime.open(config,
          new ActivityLog(writer, java.time.Clock.systemUTC()))) {
        PollJob created = Poller.create(config, rt);
        poll.job.set(created);
        // A close() that came while connecting must still stop the loop.
        if (poll.stopping) created.stop();
        poll.result.complete(created.run(0, null));
      } catch (Throwable e) {
        poll.result.completeExceptionally(e);
      } finally {
        writer.close();
      }
    }, "live-poll");
    thread.setDaemon(true);
    thread.start();
    return poll;
  }

  /** Done only if the poller ended by itself: it failed (see {@link #failure()}). */
  public boolean isDone() {
    return result.isDone();
  }

  /** Why the poller ended without being asked to, or null. */
  public Throwable failure() {
    if (!result.isCompletedExceptionally()) return null;
    try {
      result.join();
      return null;
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause();
    }
  }

  /** Stops the loop, waits up to a minute for the flush; returns the counts, or null. */
  public PollResult stop(Duration wait) throws InterruptedException {
    stopping = true;
    PollJob running = job.get();
    if (running != null) running.stop();
    try {
      return result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(ShutdownSignal.DRAIN_SECONDS));
  }
}
