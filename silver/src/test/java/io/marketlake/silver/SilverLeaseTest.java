package io.marketlake.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
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
    SilverConfig config = new SilverConfig(new Lakehouse(root.toUri().toString()),
        S3Settings.aws(null), "local[2]", QualityRules.defaults(), null);
    try (HeldLease held = HeldLease.of(root, LeasedJob.SILVER)) {
      held.assertRunRefuses(() -> new SilverJob(config).run(TestSpark.get()));
    }
    assertThat(root.resolve("silver")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }
}
