package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.lease.HeldLease;
import io.marketlake.common.lease.LeasedJob;
import io.marketlake.common.spark.TestSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second gold, live 5m stream or train on the same lakehouse refuses and writes nothing: the
 * commands before Spark starts, the jobs' {@code run} (what the demo calls) as well.
 */
class GoldLeaseTest {
  @TempDir Path root;

  private Lakehouse lakehouse() {
    return new Lakehouse(root.toUri().toString());
  }

  @Test
  void goldRefusesWhileAnotherGoldHoldsTheLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.GOLD)) {
      held.assertRefuses(new GoldCommand(), "--lakehouse", root.toUri().toString());
      GoldConfig config = new GoldConfig(lakehouse(), S3Settings.aws(null), "local[2]", 15);
      held.assertRunRefuses(() -> new GoldJob(config).run(TestSpark.get()));
    }
    assertThat(root.resolve("gold")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }

  @Test
  void theLive5mStreamRefusesWhileAnotherHoldsItsLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.GOLD_5M)) {
      held.assertRefuses(new GoldCommand(), "--lakehouse", root.toUri().toString(),
          "--stream-5m");
    }
    assertThat(root.resolve("gold")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }

  @Test
  void trainRefusesWhileAnotherTrainHoldsTheLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.TRAIN)) {
      held.assertRefuses(new TrainCommand(), "--lakehouse", root.toUri().toString());
      TrainConfig config = new TrainConfig(lakehouse(), S3Settings.aws(null), "local[2]", 3,
          0.01, 50, 60);
      held.assertRunRefuses(() -> new TrainJob(config).run(TestSpark.get()));
    }
    assertThat(root.resolve("models")).doesNotExist();
    assertThat(root.resolve("gold")).doesNotExist();
  }
}
