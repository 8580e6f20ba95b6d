package io.marketlake.common.lease;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where leases live: one small object per (job, epoch). The only primitive the lease's safety
 * rests on is {@link #create}, an atomic create-if-absent; everything else is written by the
 * one holder of an epoch.
 */
public interface LeaseStore {

  /** One stored lease record, with its age measured on the store's own clock. */
  record Stored(byte[] content, String version, Duration age) {}

  /** Where the records of {@code job} are, for messages, e.g. {@code s3a://b/lh/_leases/silver/}. */
  String location(String job);

  /** The epochs of {@code job} present now, in any order. */
  List<Long> epochs(String job) throws IOException;

  /** The record of that epoch, or empty if there is none. */
  Optional<Stored> read(String job, long epoch) throws IOException;

  /**
   * Creates the record only if no record of that epoch exists, atomically: of two callers at
   * once, exactly one succeeds.
   *
   * @return its version, or empty if a record of that epoch already existed
   */
  Optional<String> create(String job, long epoch, byte[] content) throws IOException;

  /**
   * Rewrites the record if it is still at {@code expectedVersion}.
   *
   * @return the new version, or empty if the record is gone or was changed by someone else
   */
  Optional<String> replace(String job, long epoch, byte[] content, String expectedVersion)
      throws IOException;

  /** Deletes the record of that epoch if it exists. */
  void delete(String job, long epoch) throws IOException;
}
