package io.marketlake.common.lease;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One writer per job and lakehouse. The lease of a job is a sequence of epochs, one object each
 * ({@code _leases/JOB/EPOCH.json}); the holder is the writer of the highest epoch. Taking the
 * lease is creating the next epoch with an atomic create-if-absent, so of two writers that both
 * see the lease free (or expired, or its holder dead) exactly one wins. The holder rewrites its
 * own epoch every heartbeat, and retries a failed renewal every tenth of a heartbeat, so a store
 * outage shorter than the expiry costs nothing. It has lost the lease as soon as a higher epoch
 * exists, its object was changed or deleted by someone else, or it could not renew for the expiry
 * less a fifth of a heartbeat (28 s of the 30 s): past that, another writer may take over. Losing
 * runs the {@link #onLost} actions (the jobs stop their queries) and {@link #hold} then fails the
 * run.
 *
 * <p>A lease is free when its holder released it, when its object is older than three of the
 * holder's heartbeats on the store's clock, or at once when its holder ran on this machine and
 * its process is gone (kill -9, crash): restarts need no manual step.
 */
public final class WriterLease implements AutoCloseable {
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
  /** System property overriding the heartbeat, e.g. {@code 1s} in tests; Durations syntax. */
  public static final String HEARTBEAT_PROPERTY = "marketlake.lease.heartbeat";
  /** An object untouched for this many heartbeats has expired. */
  public static final int EXPIRY_HEARTBEATS = 3;
  private static final int ACQUIRE_ATTEMPTS = 5;
  /**
   * The epochs this process holds now, by location: a record naming this process but not in
   * here was left by a run of ours that lost it (an S3 outage) and is free.
   */
  private static final Set<String> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final LeaseStore store;
  private final String job;
  private final Duration heartbeat;
  private final ScheduledExecutorService timer;
  private final List<Runnable> onLost = new ArrayList<>();
  private LeaseRecord record;
  private String version;
  private long lastRenewNanos;
  private LeaseLostException lost;
  private boolean closed;

  private WriterLease(LeaseStore store, String job, Duration heartbeat, LeaseRecord record,
      String version) {
    this.store = store;
    this.job = job;
    this.heartbeat = heartbeat;
    this.record = record;
    this.version = version;
    this.lastRenewNanos = System.nanoTime();
    ScheduledThreadPoolExecutor renewals = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "writer-lease-" + job);
      t.setDaemon(true);
      return t;
    });
    // close() must not wait for the next renewal, only for one in flight.
    renewals.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.timer = renewals;
  }

  /** {@link #DEFAULT_HEARTBEAT}, or the {@value #HEARTBEAT_PROPERTY} system property. */
  public static Duration configuredHeartbeat() {
    String value = System.getProperty(HEARTBEAT_PROPERTY);
    return value == null ? DEFAULT_HEARTBEAT
        : io.marketlake.common.Durations.parse("-D" + HEARTBEAT_PROPERTY, value);
  }

  /**
   * Takes the lease of {@code job} and starts renewing it every {@code heartbeat}.
   *
   * @throws LeaseHeldException if another live writer holds it
   */
  public static WriterLease acquire(LeaseStore store, String job, Duration heartbeat,
      LeaseHolder me) {
    // One acquire at a time per process: between a create and HELD_HERE.add, another thread of
    // this process would read the new epoch as "ours, from a run that ended" and take it over.
    synchronized (HELD_HERE) {
      return acquireLocked(store, job, heartbeat, me);
    }
  }

  private static WriterLease acquireLocked(LeaseStore store, String job, Duration heartbeat,
      LeaseHolder me) {
    try {
      for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
        long top = store.epochs(job).stream().mapToLong(Long::longValue).max().orElse(0);
        if (top > 0) {
          Optional<LeaseStore.Stored> stored = store.read(job, top);
          if (stored.isEmpty()) continue;   // deleted meanwhile (released by hand): look again
          refuseIfHeld(store, job, top, stored.get(), me);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        LeaseRecord mine = new LeaseRecord(job, top + 1, me.host(), me.bootId(), me.pid(),
            me.processStart() == null ? null : me.processStart().toString(), now.toString(),
            now.toString(), heartbeat.toMillis(), null);
        Optional<String> created = store.create(job, top + 1, mine.toJson());
        if (created.isEmpty()) continue;   // another writer took this epoch first: judge it
        for (long older = top; older >= Math.max(1, top - 2); older--) {
          deleteQuietly(store, job, older);   // history beyond this is noise
        }
        WriterLease lease = new WriterLease(store, job, heartbeat, mine, created.get());
        HELD_HERE.add(store.location(job) + epochName(top + 1));
        lease.scheduleRenewal(heartbeat);
        return lease;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the " + job + " lease at "
          + store.location(job) + ": " + e.getMessage(), e);
    }
    throw new LeaseHeldException(job + " lease at " + store.location(job) + ": other writers"
        + " took it " + ACQUIRE_ATTEMPTS + " times in a row while this one tried; is a restart"
        + " loop running?", null);
  }

  /**
   * Runs {@code work} holding the lease of {@code job}, then releases it. If the lease is lost
   * meanwhile, {@code onLost} runs (it should stop the work) and this throws
   * {@link LeaseLostException} whatever {@code work} returned or threw.
   */
  public static <T> T hold(LeaseStore store, String job, Duration heartbeat, Runnable onLost,
      Callable<T> work) throws Exception {
    try (WriterLease lease = acquire(store, job, heartbeat, LeaseHolder.current())) {
      lease.onLost(onLost);
      T result;
      try {
        result = work.call();
      } catch (Exception | Error e) {
        LeaseLostException lostMeanwhile = lease.lostException();
        if (lostMeanwhile == null) throw e;
        lostMeanwhile.addSuppressed(e);
        throw lostMeanwhile;
      }
      lease.ensureHeld();
      return result;
    }
  }

  /**
   * Refuses as {@link #acquire} would, without taking the lease: a cheap early check, e.g. before
   * a Spark session starts. A store that cannot be read is left for {@code acquire} to report.
   *
   * @throws LeaseHeldException if another live writer holds it now
   */
  public static void refuseIfHeld(LeaseStore store, String job, LeaseHolder me) {
    try {
      long top = store.epochs(job).stream().mapToLong(Long::longValue).max().orElse(0);
      if (top == 0) return;
      Optional<LeaseStore.Stored> stored = store.read(job, top);
      if (stored.isPresent()) refuseIfHeld(store, job, top, stored.get(), me);
    } catch (IOException e) {
      // acquire() says it, with the job's context
    }
  }

  private static void refuseIfHeld(LeaseStore store, String job, long epoch,
      LeaseStore.Stored stored, LeaseHolder me) {
    LeaseRecord holder = LeaseRecord.parse(stored.content());
    Duration expiry = expiry(holder == null ? DEFAULT_HEARTBEAT
        : Duration.ofMillis(holder.heartbeatMillis()));
    if (holder != null && holder.releasedAt() != null) return;
    if (stored.age().compareTo(expiry) > 0) return;
    if (holder != null && me.seesDead(holder)) return;
    if (holder != null && me.isHolderOf(holder)
        && !HELD_HERE.contains(store.location(job) + epochName(epoch))) {
      return;   // ours, from a run in this process that lost it and ended
    }
    Instant expires = Instant.now().plus(expiry.minus(stored.age()))
        .truncatedTo(ChronoUnit.SECONDS);
    String location = store.location(job) + epochName(epoch);
    if (holder == null) {
      throw new LeaseHeldException(job + " is locked by " + location + ", which is not a lease"
          + " record; it expires at " + expires + " unless rewritten", null);
    }
    throw new LeaseHeldException(job + " is already running: lease held by host " + holder.host()
        + " pid " + holder.pid() + " since " + holder.startedAt() + " (heartbeat every "
        + holder.heartbeatMillis() / 1000.0 + " s); it expires at " + expires
        + " unless renewed (" + location + "; docs/leases.md)", holder);
  }

  /** How long an unrenewed lease of that heartbeat stays valid. */
  public static Duration expiry(Duration heartbeat) {
    return heartbeat.multipliedBy(EXPIRY_HEARTBEATS);
  }

  /** The object name of an epoch: zero-padded, so names sort as epochs do. */
  public static String epochName(long epoch) {
    return String.format("%020d.json", epoch);
  }

  /** What this writer wrote last. */
  public synchronized LeaseRecord record() {
    return record;
  }

  /** Runs {@code action} once if the lease is lost (at once if it already is). */
  public void onLost(Runnable action) {
    boolean runNow;
    synchronized (this) {
      runNow = lost != null;
      if (!runNow) onLost.add(action);
    }
    if (runNow) action.run();
  }

  /** Why the lease was lost, or null while it is held. */
  public synchronized LeaseLostException lostException() {
    return lost;
  }

  /** @throws LeaseLostException if the lease was lost */
  public void ensureHeld() {
    LeaseLostException e = lostException();
    if (e != null) throw e;
  }

  private void scheduleRenewal(Duration delay) {
    try {
      timer.schedule(this::renewAndReschedule, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Closed or lost meanwhile: nothing left to renew.
    }
  }

  private void renewAndReschedule() {
    boolean renewed = renew();
    synchronized (this) {
      if (lost != null || closed) return;
    }
    scheduleRenewal(renewed ? heartbeat : retryDelay(heartbeat));
  }

  /**
   * How soon a failed renewal is tried again: often enough that the lease is renewed within a
   * moment of the store answering again.
   */
  static Duration retryDelay(Duration heartbeat) {
    Duration tenth = heartbeat.dividedBy(10);
    return tenth.compareTo(Duration.ofMillis(50)) < 0 ? Duration.ofMillis(50) : tenth;
  }

  /**
   * How long the holder keeps the lease without a renewal before it stops: the expiry less a fifth
   * of a heartbeat, the time left for its queries to stop before another writer may take over.
   * A store outage shorter than that is ridden out.
   */
  static Duration unrenewedLimit(Duration heartbeat) {
    return expiry(heartbeat).minus(heartbeat.dividedBy(5));
  }

  /**
   * One heartbeat: look for a newer epoch, then renew the object. Runs on the timer.
   *
   * @return true if renewed, false if the store could not be reached (or the lease is lost)
   */
  boolean renew() {
    LeaseRecord next;
    String expected;
    synchronized (this) {
      if (lost != null || closed) return false;
      next = record.heartbeat(Instant.now().truncatedTo(ChronoUnit.MILLIS));
      expected = version;
    }
    String where = store.location(job) + epochName(next.epoch());
    try {
      // After an outage too, the lease is lost only if another writer has really taken over.
      long newest = store.epochs(job).stream().mapToLong(Long::longValue).max().orElse(0);
      if (newest > next.epoch()) {
        lose(job + " lease lost: another writer took it over (epoch " + newest + " at "
            + store.location(job) + ") while this one held epoch " + next.epoch()
            + "; stopped this run, the other writer goes on");
        return false;
      }
      Optional<String> renewed = replaceOwn(next, expected);
      if (renewed.isEmpty()) {
        lose(job + " lease lost: " + where + " was changed or deleted by someone else;"
            + " stopped this run");
        return false;
      }
      synchronized (this) {
        record = next;
        version = renewed.get();
        lastRenewNanos = System.nanoTime();
      }
      return true;
    } catch (IOException | RuntimeException e) {
      long silentNanos = System.nanoTime() - lastRenewNanos;
      // Another writer may take over once the object is 3 heartbeats old on the store's clock:
      // stop just before that, while the lease is still certainly ours.
      if (silentNanos >= unrenewedLimit(heartbeat).toNanos()) {
        lose(job + " lease lost: could not renew " + where + " for "
            + TimeUnit.NANOSECONDS.toSeconds(silentNanos) + " s (" + e.getMessage()
            + "); stopped this run, since another writer may take over now");
      }
      return false;
    }
  }

  private void lose(String message) {
    List<Runnable> actions;
    synchronized (this) {
      if (lost != null) return;
      lost = new LeaseLostException(message);
      actions = List.copyOf(onLost);
    }
    HELD_HERE.remove(store.location(job) + epochName(record().epoch()));
    timer.shutdown();
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        lost.addSuppressed(e);
      }
    }
  }

  /** Stops renewing and releases the lease unless it was lost. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) return;
      closed = true;
    }
    // Let a heartbeat in flight finish (no interrupt: an aborted PUT may still have landed,
    // leaving us a stale ETag), so the release below rewrites the newest version.
    timer.shutdown();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    HELD_HERE.remove(store.location(job) + epochName(record().epoch()));
    LeaseRecord released;
    String expected;
    synchronized (this) {
      if (lost != null) return;
      released = record.released(Instant.now().truncatedTo(ChronoUnit.MILLIS));
      expected = version;
    }
    try {
      if (replaceOwn(released, expected).isEmpty()) {
        throw new IOException("it was changed or deleted by someone else");
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: could not release the " + job + " lease at "
          + store.location(job) + " (" + e.getMessage() + "): the next " + job
          + " on another machine waits until it expires, " + expiry(heartbeat).toSeconds()
          + " s");
    }
  }

  /**
   * Rewrites our epoch's object with {@code content} if it is still at {@code expected}, or still
   * holds a record of this holder's: a write of ours may have landed unanswered (a timeout, or
   * the client's retry of a PUT whose answer was lost, which then meets that very write), and
   * leaves us a stale version. Only a record that is not ours (edited or released by hand) or
   * no object at all (deleted) is someone else's change.
   */
  private Optional<String> replaceOwn(LeaseRecord content, String expected) throws IOException {
    Optional<String> replaced = store.replace(job, content.epoch(), content.toJson(), expected);
    if (replaced.isPresent()) return replaced;
    Optional<LeaseStore.Stored> stored = store.read(job, content.epoch());
    if (stored.isEmpty() || stored.get().version().equals(expected)) return Optional.empty();
    LeaseRecord found = LeaseRecord.parse(stored.get().content());
    if (found == null || found.releasedAt() != null || !found.sameHolding(content)) {
      return Optional.empty();
    }
    return store.replace(job, content.epoch(), content.toJson(), stored.get().version());
  }

  private static void deleteQuietly(LeaseStore store, String job, long epoch) {
    try {
      store.delete(job, epoch);
    } catch (IOException | RuntimeException e) {
      // Leftover history costs nothing but a list entry; the next holder retries.
    }
  }
}
