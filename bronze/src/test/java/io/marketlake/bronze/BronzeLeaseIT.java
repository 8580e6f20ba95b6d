package io.marketlake.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.marketlake.common.Cli;
import io.marketlake.common.Lakehouse;
import io.marketlake.common.lease.LakehouseLeases;
import io.marketlake.common.lease.LeaseRecord;
import io.marketlake.common.lease.LeaseStore;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.stack.EmbeddedStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two bronze JVMs on one lakehouse: the second refuses with one line naming the first; after the
 * first is killed with SIGKILL (no shutdown hook, no release), a new bronze takes over at once,
 * since the holder's process on this machine is gone, and drains the topic.
 */
class BronzeLeaseIT {
  private static final Duration START = Duration.ofMinutes(2);

  @Test
  void aSecondBronzeRefusesAndTakesOverOnceTheFirstIsKilled() throws Exception {
    long began = System.nanoTime();
    EmbeddedStack stack = EmbeddedStack.shared();
    String topic = stack.uniqueTopic("bronze-lease");
    Lakehouse lakehouse = stack.uniqueLakehouse("bronze-lease");
    Path logs = Files.createDirectories(Path.of("target", "bronze-lease-logs"));
    LeaseStore leases = LakehouseLeases.store(lakehouse, stack.endpoints().s3()).orElseThrow();
    String job = LeasedJob.BRONZE.id();

    Process first = BronzeKillIT.startBronze(stack.endpoints(), topic, lakehouse, 1_000L, logs, 0);
    try {
      await().atMost(START).pollInterval(Duration.ofMillis(200))
          .until(() -> first.pid() == holderPid(leases, job) || !first.isAlive());
      assertThat(first.isAlive()).as("first bronze: %s",
          BronzeKillIT.lastLines(logs.resolve("bronze-0.log"))).isTrue();
      LeaseRecord held = holder(leases, job);

      Process second =
          BronzeKillIT.startBronze(stack.endpoints(), topic, lakehouse, null, logs, 1);
      assertThat(second.waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
      List<String> errors = Files.readAllLines(logs.resolve("bronze-1.log")).stream()
          .filter(l -> l.startsWith("error: ")).toList();
      assertThat(errors).singleElement().asString().matches("error: bronze is already running:"
          + " lease held by host " + Pattern.quote(InetAddress.getLocalHost().getHostName())
          + " pid " + first.pid() + " since " + Pattern.quote(held.startedAt())
          + " \\(heartbeat every 1.0 s\\); it expires at \\S+Z unless renewed \\("
          + Pattern.quote(leases.location(job)) + "\\d{20}\\.json; docs/leases.md\\)");
      assertThat(second.exitValue()).isEqualTo(Cli.LEASE_HELD);
      assertThat(first.isAlive()).as("the first bronze runs on").isTrue();
    } finally {
      first.destroyForcibly();   // SIGKILL: the lease stays behind, unreleased
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    long killed = System.nanoTime();
    Process third = BronzeKillIT.startBronze(stack.endpoints(), topic, lakehouse, null, logs, 2);
    await().atMost(START).pollInterval(Duration.ofMillis(200))
        .until(() -> third.pid() == holderPid(leases, job) || !third.isAlive());
    double tookOver = (System.nanoTime() - killed) / 1e9;
    assertThat(third.waitFor(START.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(third.exitValue()).as("bronze after the kill: %s",
        BronzeKillIT.lastLines(logs.resolve("bronze-2.log"))).isZero();
    System.out.printf("BronzeLeaseIT: the next bronze held the lease %.1f s after the kill"
        + " (JVM and Spark start included); %.0f s in all%n", tookOver,
        (System.nanoTime() - began) / 1e9);
  }

  private static LeaseRecord holder(LeaseStore leases, String job) throws IOException {
    long top = leases.epochs(job).stream().mapToLong(Long::longValue).max().orElse(0);
    return top == 0 ? null
        : leases.read(job, top).map(s -> LeaseRecord.parse(s.content())).orElse(null);
  }

  private static long holderPid(LeaseStore leases, String job) throws IOException {
    LeaseRecord record = holder(leases, job);
    return record == null ? -1 : record.pid();
  }
}
