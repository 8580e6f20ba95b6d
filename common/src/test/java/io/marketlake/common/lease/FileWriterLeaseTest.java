package io.marketlake.common.lease;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link WriterLease} on a file: lakehouse. */
class FileWriterLeaseTest extends WriterLeaseContract {
  @TempDir static Path dir;

  @Override
  protected LeaseStore store() {
    return new FileLeaseStore(dir.resolve("_leases"));
  }
}
