package io.marketlake.common.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LakehouseSparkTest {
  @Test
  void aClusterRunShipsOurModuleJarsButNoClassDirectoryAndNoOtherJar() {
    String classpath = String.join(java.io.File.pathSeparator,
        "/p/launcher/target/classes",
        "/p/gold/target/marketlake-gold-0.1.0-SNAPSHOT.jar",
        "/m2/org/apache/spark/spark-sql_2.13/4.0.0/spark-sql_2.13-4.0.0.jar",
        "/p/common/target/marketlake-common-0.1.0-SNAPSHOT.jar",
        "/m2/info/picocli/picocli/4.7.7/picocli-4.7.7.jar",
        "/p/x/not-marketlake-a.jar");
    assertThat(LakehouseSpark.marketlakeJars(classpath)).isEqualTo(
        "/p/gold/target/marketlake-gold-0.1.0-SNAPSHOT.jar,"
            + "/p/common/target/marketlake-common-0.1.0-SNAPSHOT.jar");
  }
}
