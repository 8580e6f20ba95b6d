package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.lease.LakehouseLeases;
import io.marketlake.common.lease.LeaseStore;
import io.marketlake.common.lease.WriterLeaseContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link io.marketlake.common.lease.WriterLease} on an s3a:// lakehouse of the real local S3
 * server (S3Proxy, filesystem backend), through the same client settings the jobs use.
 */
class S3WriterLeaseTest extends WriterLeaseContract {
  @TempDir static Path dir;
  private static S3Server server;
  private static LeaseStore store;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3Server.start(dir);
    server.createBucket("leases");
    store = LakehouseLeases.store(new Lakehouse("s3a://leases/lakehouse"),
        S3Settings.local(server.endpoint(), S3Server.ACCESS_KEY, S3Server.SECRET_KEY)).orElseThrow();
    assertThat(store.location("silver")).isEqualTo("s3a://leases/lakehouse/_leases/silver/");
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (store instanceof AutoCloseable c) c.close();
    if (server != null) server.close();
  }

  @Override
  protected LeaseStore store() {
    return store;
  }
}
