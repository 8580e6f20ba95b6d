package io.marketlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Lakehouse;
import io.marketlake.common.S3Settings;
import io.marketlake.common.spark.LayerContext;
import io.marketlake.common.spark.TestSpark;
import io.marketlake.silver.SilverConfig;
import io.marketlake.silver.SilverJob;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/**
 * The S3 tier against LocalStack instead of the project's own S3 server: bronze written to and
 * silver MERGEd on {@code s3a://}, then read back. Runs only where a Docker engine is present
 * (skipped otherwise) and {@code LOCALSTACK_AUTH_TOKEN} is set: since March 2026 the
 * {@code localstack/localstack} image refuses to start without one. Image:
 * {@code -Dmarketlake.localstack.image=...} (default {@code localstack/localstack:latest}).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackS3IT {
  private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
  private static final int MINUTES = 120;
  private static final String BUCKET = "marketlake-localstack";

  private static LocalStackContainer localstack;
  private static S3Settings s3;

  @BeforeAll
  static void startLocalStack() throws Exception {
    String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
    Assumptions.assumeTrue(token != null && !token.isBlank(),
        "LOCALSTACK_AUTH_TOKEN is not set: current localstack/localstack images do not start"
            + " without an auth token (free for personal use at localstack.cloud)");
    localstack = new LocalStackContainer(System.getProperty("marketlake.localstack.image",
        "localstack/localstack:latest"))
        .withServices("s3")
        .withEnv("LOCALSTACK_AUTH_TOKEN", token);
    localstack.start();
    Container.ExecResult bucket = localstack.execInContainer("awslocal", "s3", "mb",
        "s3://" + BUCKET);
    assertThat(bucket.getExitCode()).as("create bucket: %s", bucket.getStderr()).isZero();
    // Loopback only: the container's port is published on this machine.
    String endpoint = "http://127.0.0.1:" + localstack.getMappedPort(4566);
    s3 = new S3Settings(endpoint, localstack.getRegion(), localstack.getAccessKey(),
        localstack.getSecretKey());
  }

  @AfterAll
  static void stopLocalStack() {
    if (localstack != null) localstack.stop();
  }

  @Test
  void bronzeAndSilverRoundTripThroughS3a() throws Exception {
    Lakehouse lakehouse = new Lakehouse("s3a://" + BUCKET + "/lakehouse");
    LayerContext ctx = LayerContext.of(TestSpark.get(), lakehouse, s3);
    SparkSession spark = ctx.spark();

    long bronzeRows = LiteralBronze.write(spark, lakehouse.bronzeCandlesRaw(), SYMBOLS, MINUTES);
    SilverJob.SilverResult result = new SilverJob(SilverConfig.defaults()).run(ctx);

    assertThat(result.bronzeRowsRead()).isEqualTo(bronzeRows);
    assertThat(result.candlesInserted()).isEqualTo((long) SYMBOLS.size() * MINUTES);
    assertThat(result.quarantined()).isEqualTo(1);
    assertThat(spark.read().format("delta").load(lakehouse.silverCandles1m()).count())
        .isEqualTo((long) SYMBOLS.size() * MINUTES);
    // A second run finds nothing new: the checkpoint on S3 was read back.
    assertThat(new SilverJob(SilverConfig.defaults()).run(ctx).bronzeRowsRead()).isZero();
  }
}
