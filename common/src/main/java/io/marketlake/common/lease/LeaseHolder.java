package io.marketlake.common.lease;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A process that may hold a lease: its host, the host's boot id (Linux; two machines may share a
 * host name, never a boot id), its pid and its start.
 */
public record LeaseHolder(String host, String bootId, long pid, Instant processStart) {
  /** pid start instants read twice may differ by clock-tick rounding; a reused pid differs more. */
  private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

  /** This process. */
  public static LeaseHolder current() {
    ProcessHandle self = ProcessHandle.current();
    return new LeaseHolder(hostName(), readBootId(), self.pid(),
        self.info().startInstant().orElse(null));
  }

  /** Whether {@code record}'s holder ran on this machine and is certainly gone. */
  boolean seesDead(LeaseRecord record) {
    if (!host.equals(record.host())) return false;
    if (bootId != null && record.bootId() != null && !bootId.equals(record.bootId())) {
      // Same name, other machine (or this one rebooted: then the holder is gone too, but a
      // different machine cannot be told apart from that, so wait for expiry).
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(record.pid()).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) return true;
    Instant recorded = record.processStart() == null ? null : Instant.parse(record.processStart());
    Instant actual = process.get().info().startInstant().orElse(null);
    // A live process with the pid but another start is a reused pid, not the holder.
    return recorded != null && actual != null
        && Duration.between(recorded, actual).abs().compareTo(START_TOLERANCE) > 0;
  }

  /** Whether {@code record} names this very process. */
  boolean isHolderOf(LeaseRecord record) {
    if (!host.equals(record.host()) || pid != record.pid()) return false;
    if (bootId != null && record.bootId() != null && !bootId.equals(record.bootId())) {
      return false;
    }
    Instant recorded = record.processStart() == null ? null : Instant.parse(record.processStart());
    return processStart == null || recorded == null
        || Duration.between(recorded, processStart).abs().compareTo(START_TOLERANCE) <= 0;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }

  private static String readBootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
