package io.marketlake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.lease.HeldLease;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second silver on the same lakehouse refuses to start and writes nothing. */
class SilverLeaseTest {
  @TempDir Path root;

  @Test
  void theCommandRefusesBeforeSparkStartsWhileAnotherSilverHoldsTheLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.SILVER)) {
      held.assertRefuses(new SilverCommand(), "--lakehouse", root.toUri().toString());
    }
    assertThat(root.resolve("silver")).doesNotExist();
  }

  @Test
  void theJobRefusesWhileAnotherSilverHoldsTheLease() {
    Lakehouse lakehouse = new Lakehouse(root.toUri().toString());
    try (HeldLease held = HeldLease.of(root, LeasedJob.SILVER)) {
      held.assertRunRefuses(() -> new SilverJob(SilverConfig.defaults())
          .run(TestSpark.context(lakehouse)));
    }
    assertThat(root.resolve("silver")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }
}
