package io.marketlake.common.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.marketlake.common.CommandRun;
import io.marketlake.common.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * A job's lease held by the test itself on a file: lakehouse, to show that the job refuses to
 * start while another writer holds it.
 */
public final class HeldLease implements AutoCloseable {
  private final WriterLease lease;
  private final LeasedJob job;

  private HeldLease(WriterLease lease, LeasedJob job) {
    this.lease = lease;
    this.job = job;
  }

  /** Takes {@code job}'s lease of the lakehouse at {@code root} as this process. */
  public static HeldLease of(Path root, LeasedJob job) {
    return new HeldLease(WriterLease.acquire(new FileLeaseStore(root.resolve("_leases")),
        job.id(), Duration.ofSeconds(10), LeaseHolder.current()), job);
  }

  /**
   * Runs the command with {@code args} and asserts what a refused second writer does: exit code
   * {@link Cli#LEASE_HELD} and one line on stderr naming this process as the holder.
   */
  public void assertRefuses(Object command, String... args) {
    CommandRun run = CommandRun.of(command, args);
    assertThat(run.err().lines().toList()).as("stderr").singleElement().asString()
        .matches("error: " + refusal());
    assertThat(run.exitCode()).as("exit code").isEqualTo(Cli.LEASE_HELD);
  }

  /** Asserts that {@code run} (a job's {@code run(spark)}) refuses the same way. */
  public void assertRunRefuses(Callable<?> run) {
    assertThatThrownBy(run::call).isInstanceOf(LeaseHeldException.class)
        .hasMessageMatching(refusal());
  }

  /** The refusal naming this process, as a regular expression. */
  private String refusal() {
    LeaseHolder me = LeaseHolder.current();
    return Pattern.quote(job.id()) + " is already running: lease held by host "
        + Pattern.quote(me.host()) + " pid " + me.pid() + " since "
        + Pattern.quote(lease.record().startedAt()) + " \\(heartbeat every 10.0 s\\);"
        + " it expires at \\S+ unless renewed \\(.*\\)";
  }

  @Override
  public void close() {
    lease.close();
  }
}
