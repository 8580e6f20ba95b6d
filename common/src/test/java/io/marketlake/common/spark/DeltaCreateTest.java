package io.marketlake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A create killed between Delta's {@code _delta_log} folder and its first commit. */
class DeltaCreateTest {
  private final SparkSession spark = TestSpark.get();

  @Test
  void aLogWithNoCommitLeftByAKilledCreateIsReplacedByTheTable(@TempDir Path dir)
      throws Exception {
    Path table = dir.resolve("t");
    Files.createDirectories(table.resolve("_delta_log"));
    Files.writeString(table.resolve("_delta_log").resolve(".00000000000000000000.json.tmp"), "{");
    String location = table.toString();
    // What every restart met before: Delta's own create refuses the half-made table for good.
    assertThatThrownBy(() -> DeltaTable.createIfNotExists(spark).location(location)
        .addColumn("x", "INT").execute()).hasMessageContaining("DELTA_TABLE_NOT_FOUND");

    DeltaCreate.ifMissing(spark, location).addColumn("x", "INT").execute();

    assertThat(DeltaTable.forPath(spark, location).history().count()).isEqualTo(1);
    assertThat(spark.read().format("delta").load(location).columns()).containsExactly("x");
  }

  @Test
  void aTableWithCommitsIsLeftAsItIs(@TempDir Path dir) {
    String location = dir.resolve("t").toString();
    DeltaCreate.ifMissing(spark, location).addColumn("x", "INT").execute();
    spark.sql("INSERT INTO delta.`" + location + "` VALUES (7)");

    assertThat(DeltaCreate.removeEmptyLog(spark, location)).isFalse();
    DeltaCreate.ifMissing(spark, location).addColumn("x", "INT").execute();

    assertThat(spark.read().format("delta").load(location).first().getInt(0)).isEqualTo(7);
  }
}
