package io.marketlake.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
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
      held.assertRunRefuses(() -> new GoldJob(GoldConfig.defaults())
          .run(TestSpark.context(lakehouse())));
    }
    assertThat(root.resolve("gold")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }

  @Test
  void theLive5mStreamRefusesWhileAnotherHoldsItsLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.GOLD_5M)) {
      held.assertRefuses(new Gold5mCommand(), "--lakehouse", root.toUri().toString());
      held.assertRunRefuses(() -> new FiveMinuteStream(FiveMinuteStreamConfig.defaults())
          .run(TestSpark.context(lakehouse()), batches -> { }));
    }
    assertThat(root.resolve("gold")).doesNotExist();
    assertThat(root.resolve("_checkpoints")).doesNotExist();
  }

  @Test
  void trainRefusesWhileAnotherTrainHoldsTheLease() {
    try (HeldLease held = HeldLease.of(root, LeasedJob.TRAIN)) {
      held.assertRefuses(new TrainCommand(), "--lakehouse", root.toUri().toString());
      held.assertRunRefuses(() -> new TrainJob(TrainConfig.defaults())
          .run(TestSpark.context(lakehouse())));
    }
    assertThat(root.resolve("models")).doesNotExist();
    assertThat(root.resolve("gold")).doesNotExist();
  }
}
