package io.marketlake.common.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every lease store must give {@link WriterLease}, run against each real store: a file
 * directory here, the local S3 server in the stack module.
 */
public abstract class WriterLeaseContract {
  private static final Duration SLOW = Duration.ofSeconds(10);
  private static final Duration FAST = Duration.ofMillis(300);
  private static final AtomicInteger JOBS = new AtomicInteger();

  /** A store with no leases in it, shared by the tests of a class. */
  protected abstract LeaseStore store();

  /** A job name no other test uses, so tests share one store. */
  private static String newJob() {
    return "job" + JOBS.incrementAndGet();
  }

  private static LeaseHolder otherHost() {
    return new LeaseHolder("other-host", "other-boot", 4242, Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A lease record as a holder that stopped heartbeating (crashed elsewhere) leaves it. */
  private void plant(String job, long epoch, LeaseHolder holder, Duration heartbeat)
      throws Exception {
    String now = Instant.now().toString();
    LeaseRecord record = new LeaseRecord(job, epoch, holder.host(), holder.bootId(), holder.pid(),
        holder.processStart() == null ? null : holder.processStart().toString(), now, now,
        heartbeat.toMillis(), null);
    assertThat(store().create(job, epoch, record.toJson())).isPresent();
  }

  @Test
  void aSecondWriterIsRefusedWithOneLineNamingTheHolder() {
    String job = newJob();
    LeaseHolder me = LeaseHolder.current();
    try (WriterLease first = WriterLease.acquire(store(), job, SLOW, me)) {
      LeaseRecord held = first.record();
      assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, otherHost()))
          .isInstanceOf(LeaseHeldException.class)
          .hasMessageMatching(job + " is already running: lease held by host "
              + java.util.regex.Pattern.quote(me.host()) + " pid " + me.pid() + " since "
              + java.util.regex.Pattern.quote(held.startedAt())
              + " \\(heartbeat every 10.0 s\\); it expires at \\S+Z unless renewed \\("
              + java.util.regex.Pattern.quote(store().location(job)) + "00000000000000000001"
              + "\\.json; docs/leases.md\\)")
          .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
      // The same process asking again is a second writer too (a second job in one JVM).
      assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, me))
          .isInstanceOf(LeaseHeldException.class);
    }
  }

  @Test
  void aReleasedLeaseIsFreeAtOnce() throws Exception {
    String job = newJob();
    WriterLease.hold(store(), job, SLOW, () -> { }, () -> 1);
    try (WriterLease next = WriterLease.acquire(store(), job, SLOW, otherHost())) {
      assertThat(next.record().epoch()).isEqualTo(2);
    }
    LeaseRecord released = LeaseRecord.parse(store().read(job, 2).orElseThrow().content());
    assertThat(released.releasedAt()).isNotNull();
  }

  @Test
  void anExpiredLeaseIsTakenOverAfterThreeHeartbeatsOnTheStoreClock() throws Exception {
    String job = newJob();
    plant(job, 1, otherHost(), Duration.ofMillis(500));
    assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, LeaseHolder.current()))
        .isInstanceOf(LeaseHeldException.class);
    List<WriterLease> taken = new ArrayList<>();
    // Expiry is 1.5 s; S3's Last-Modified and Date have whole seconds, hence the margin.
    await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
        .ignoreException(LeaseHeldException.class)
        .until(() -> taken.add(WriterLease.acquire(store(), job, SLOW, LeaseHolder.current())));
    try (WriterLease lease = taken.get(0)) {
      assertThat(lease.record().epoch()).isEqualTo(2);
    }
  }

  @Test
  void aDeadHolderOnThisMachineIsTakenOverAtOnce() throws Exception {
    LeaseHolder me = LeaseHolder.current();
    Process exited = new ProcessBuilder("true").start();
    assertThat(exited.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String job = newJob();
    plant(job, 1, new LeaseHolder(me.host(), me.bootId(), exited.pid(), null), SLOW);
    try (WriterLease lease = WriterLease.acquire(store(), job, SLOW, me)) {
      assertThat(lease.record().epoch()).isEqualTo(2);
    }
  }

  @Test
  void aReusedPidIsNotTakenForTheHolder() throws Exception {
    LeaseHolder me = LeaseHolder.current();
    String job = newJob();
    // Our own pid, but a process that started an hour before us: the holder is gone.
    plant(job, 1, new LeaseHolder(me.host(), me.bootId(), me.pid(),
        me.processStart().minus(Duration.ofHours(1))), SLOW);
    try (WriterLease lease = WriterLease.acquire(store(), job, SLOW, me)) {
      assertThat(lease.record().epoch()).isEqualTo(2);
    }
  }

  @Test
  void aLiveHolderOfTheSameHostNameOnAnotherMachineIsNotTakenForDead() throws Exception {
    LeaseHolder me = LeaseHolder.current();
    String job = newJob();
    plant(job, 1, new LeaseHolder(me.host(), "another-boot-id", 999_999_999L, null), SLOW);
    assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, me))
        .isInstanceOf(LeaseHeldException.class);
  }

  @Test
  void ofWritersTakingOverAtOnceExactlyOneWins() throws Exception {
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < 5; round++) {
        String job = newJob();
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor(10, TimeUnit.SECONDS);
        LeaseHolder me = LeaseHolder.current();
        plant(job, 1, new LeaseHolder(me.host(), me.bootId(), exited.pid(), null), SLOW);
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<WriterLease>> attempts = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          attempts.add(pool.submit(() -> {
            start.await();
            try {
              return WriterLease.acquire(store(), job, SLOW, me);
            } catch (LeaseHeldException refused) {
              return null;
            }
          }));
        }
        List<WriterLease> winners = new ArrayList<>();
        for (Future<WriterLease> f : attempts) {
          if (f.get() != null) winners.add(f.get());
        }
        winners.forEach(WriterLease::close);
        assertThat(winners).as("round %d", round).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theHolderRenewsSoItOutlivesItsExpiry() {
    String job = newJob();
    // A 1 s heartbeat (3 s expiry), not FAST: a renewal delayed by a busy machine must not
    // lose the lease in a test about renewing.
    Duration heartbeat = Duration.ofSeconds(1);
    try (WriterLease held = WriterLease.acquire(store(), job, heartbeat, LeaseHolder.current())) {
      Instant started = Instant.parse(held.record().startedAt());
      await().atMost(Duration.ofSeconds(15)).until(() -> Duration.between(started,
          Instant.parse(held.record().heartbeatAt())).compareTo(Duration.ofMillis(3500)) > 0);
      // Older than its 3 s expiry by now, had it not been renewed.
      assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, otherHost()))
          .isInstanceOf(LeaseHeldException.class);
      assertThat(held.lostException()).isNull();
    }
  }

  @Test
  void aHolderWhoseLeaseWasTakenOverStopsItsWork() throws Exception {
    String job = newJob();
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch working = new CountDownLatch(1);
    Thread taker = new Thread(() -> {
      try {
        working.await();
        // What a writer that judged the lease expired does: create the next epoch.
        plant(job, 2, otherHost(), SLOW);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    taker.start();
    assertThatThrownBy(() -> WriterLease.hold(store(), job, FAST, stopped::countDown, () -> {
      working.countDown();
      assertThat(stopped.await(10, TimeUnit.SECONDS)).as("onLost ran").isTrue();
      throw new IllegalStateException("query stopped");
    })).isInstanceOf(LeaseLostException.class)
        .hasMessage(job + " lease lost: another writer took it over (epoch 2 at "
            + store().location(job) + ") while this one held epoch 1; stopped this run, the"
            + " other writer goes on");
    taker.join();
  }

  @Test
  void aHolderWhoseObjectWasDeletedByHandStops() throws Exception {
    String job = newJob();
    try (WriterLease held = WriterLease.acquire(store(), job, FAST, LeaseHolder.current())) {
      store().delete(job, 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> held.lostException() != null);
      assertThat(held.lostException()).hasMessageContaining(
          job + " lease lost: " + store().location(job) + "00000000000000000001.json was changed"
              + " or deleted by someone else");
      assertThatThrownBy(held::ensureHeld).isInstanceOf(LeaseLostException.class);
    }
  }

  @Test
  void aHolderWhoseRecordWasRewrittenByAnotherStops() throws Exception {
    String job = newJob();
    try (WriterLease held = WriterLease.acquire(store(), job, FAST, LeaseHolder.current())) {
      String version = store().read(job, 1).orElseThrow().version();
      LeaseRecord other = new LeaseRecord(job, 1, "other-host", "other-boot", 4242, null,
          Instant.now().toString(), Instant.now().toString(), FAST.toMillis(), null);
      assertThat(store().replace(job, 1, other.toJson(), version)).isPresent();
      await().atMost(Duration.ofSeconds(10)).until(() -> held.lostException() != null);
      assertThat(held.lostException()).hasMessageContaining("was changed or deleted by someone"
          + " else");
    }
  }

  @Test
  void aRenewalThatLandedUnansweredIsNotTakenForALoss() throws Exception {
    String job = newJob();
    AtomicInteger answersToLose = new AtomicInteger();
    LeaseStore flaky = new AnswerLostWhen(store(), answersToLose);
    try (WriterLease held = WriterLease.acquire(flaky, job, FAST, LeaseHolder.current())) {
      // The next rewrite lands but its answer is lost (a timeout): the holder keeps a stale
      // version, and a client retry of that PUT would meet its own write with a 412.
      answersToLose.set(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> answersToLose.get() == 0);
      String afterLostAnswer = held.record().heartbeatAt();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> !held.record().heartbeatAt().equals(afterLostAnswer));
      assertThat(held.lostException()).isNull();
    }
    LeaseRecord released = LeaseRecord.parse(store().read(job, 1).orElseThrow().content());
    assertThat(released.releasedAt()).as("released on close").isNotNull();
  }

  @Test
  void aRunThatCouldNotRenewStopsAndTheNextRunInTheSameProcessStarts() throws Exception {
    String job = newJob();
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    LeaseStore failing = new UnreachableWhen(store(), down);
    Duration heartbeat = Duration.ofSeconds(1);
    try (WriterLease first = WriterLease.acquire(failing, job, heartbeat, LeaseHolder.current())) {
      down.set(true);   // the store goes away: no renewal for 2.8 s (of the 3 s expiry) means stop
      await().atMost(Duration.ofSeconds(10)).until(() -> first.lostException() != null);
      assertThat(first.lostException()).hasMessageStartingWith(job + " lease lost: could not"
          + " renew " + store().location(job) + "00000000000000000001.json for ");
    }
    // Its object is younger than its 3 s expiry and names this live process, but the run that
    // held it has ended: the next run (a scheduler's retry in the same JVM) must not wait.
    try (WriterLease next = WriterLease.acquire(store(), job, heartbeat, LeaseHolder.current())) {
      assertThat(next.record().epoch()).isEqualTo(2);
    }
  }

  @Test
  void aStoreOutageShorterThanTheExpiryIsRiddenOut() {
    String job = newJob();
    java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    LeaseStore failing = new UnreachableWhen(store(), down);
    // 2 s heartbeat: 6 s expiry, the holder stops after 5.6 s without a renewal.
    Duration heartbeat = Duration.ofSeconds(2);
    try (WriterLease held = WriterLease.acquire(failing, job, heartbeat, LeaseHolder.current())) {
      String first = held.record().heartbeatAt();
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> !held.record().heartbeatAt().equals(first));
      String beforeOutage = held.record().heartbeatAt();
      // Just after a renewal, the store goes away for 4.5 s: more than two heartbeats, less
      // than the expiry.
      down.set(true);
      await().during(Duration.ofMillis(4500)).atMost(Duration.ofSeconds(5))
          .until(() -> held.lostException() == null);
      down.set(false);
      // Renewed within a retry of the store's return, not a whole heartbeat later.
      await().atMost(Duration.ofSeconds(1))
          .until(() -> !held.record().heartbeatAt().equals(beforeOutage));
      assertThat(held.lostException()).isNull();
      assertThatThrownBy(() -> WriterLease.acquire(store(), job, SLOW, otherHost()))
          .isInstanceOf(LeaseHeldException.class);
    }
  }

  /**
   * A store whose rewrites land but, while {@code answersToLose} is positive, answer with a
   * timeout: as S3 when the response is lost on the way back.
   */
  private record AnswerLostWhen(LeaseStore store, AtomicInteger answersToLose)
      implements LeaseStore {
    @Override
    public String location(String job) {
      return store.location(job);
    }

    @Override
    public List<Long> epochs(String job) throws java.io.IOException {
      return store.epochs(job);
    }

    @Override
    public java.util.Optional<Stored> read(String job, long epoch) throws java.io.IOException {
      return store.read(job, epoch);
    }

    @Override
    public java.util.Optional<String> create(String job, long epoch, byte[] content)
        throws java.io.IOException {
      return store.create(job, epoch, content);
    }

    @Override
    public java.util.Optional<String> replace(String job, long epoch, byte[] content,
        String expectedVersion) throws java.io.IOException {
      java.util.Optional<String> replaced = store.replace(job, epoch, content, expectedVersion);
      if (replaced.isPresent() && answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new java.io.IOException("Read timed out");
      }
      return replaced;
    }

    @Override
    public void delete(String job, long epoch) throws java.io.IOException {
      store.delete(job, epoch);
    }
  }

  /** A store whose reads and writes fail while {@code down} is set, as S3 in an outage. */
  private record UnreachableWhen(LeaseStore store, java.util.concurrent.atomic.AtomicBoolean down)
      implements LeaseStore {
    private void check() throws java.io.IOException {
      if (down.get()) throw new java.io.IOException("Connection refused");
    }

    @Override
    public String location(String job) {
      return store.location(job);
    }

    @Override
    public List<Long> epochs(String job) throws java.io.IOException {
      check();
      return store.epochs(job);
    }

    @Override
    public java.util.Optional<Stored> read(String job, long epoch) throws java.io.IOException {
      check();
      return store.read(job, epoch);
    }

    @Override
    public java.util.Optional<String> create(String job, long epoch, byte[] content)
        throws java.io.IOException {
      check();
      return store.create(job, epoch, content);
    }

    @Override
    public java.util.Optional<String> replace(String job, long epoch, byte[] content,
        String expectedVersion) throws java.io.IOException {
      check();
      return store.replace(job, epoch, content, expectedVersion);
    }

    @Override
    public void delete(String job, long epoch) throws java.io.IOException {
      check();
      store.delete(job, epoch);
    }
  }
}
