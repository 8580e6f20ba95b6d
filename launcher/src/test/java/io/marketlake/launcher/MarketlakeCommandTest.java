package io.marketlake.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.CommandRun;
import io.marketlake.common.Cli;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The one launcher's bad-input contract: one line naming the problem and the fix, exit 2 or 1. */
class MarketlakeCommandTest {
  static CommandRun run(String... args) {
    return CommandRun.of(new Marketlake(), args);
  }

  /** A loopback port nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    CommandRun r = run("bronz");
    assertThat(r.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(r.err().lines()).first().asString()
        .startsWith("error: Unmatched argument at index 0: 'bronz'")
        .endsWith("(see 'marketlake --help')");
  }

  @Test
  void anUnknownOptionNamesTheCommandsHelp() {
    CommandRun r = run("silver", "--lakehose", "s3a://b/l");
    assertThat(r.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(r.err()).startsWith("error: Unknown options: '--lakehose', 's3a://b/l'")
        .contains("(see 'marketlake silver --help')");
  }

  @Test
  void noCommandSaysWhichThereAre() {
    CommandRun r = run();
    assertThat(r.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(r.err()).contains("Missing command: choose one of demo, live, dashboard, stack,"
        + " ingest");
  }

  @Test
  void liveDefaultsMakeAValidConfig() {
    LiveCommand live = new LiveCommand();
    Cli.commandLine(live, java.util.Map.of()).parseArgs();
    LiveConfig config = live.toConfig();
    assertThat(config.history()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(config.trigger()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(config.retrainEvery()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(config.exchangeSpeed()).isEqualTo(1);
    assertThat(config.workdir().endsWith(java.nio.file.Path.of(".marketlake", "live"))).isTrue();
    assertThat(config.services()).as("its own local stack").isNull();
  }

  @Test
  void liveTakesTheLayersEndpointOptionsForRealServices() {
    LiveCommand live = new LiveCommand();
    Cli.commandLine(live, java.util.Map.of()).parseArgs("--bootstrap-servers", "b-1.msk:9098",
        "--kafka-property", "security.protocol=SASL_SSL", "--topic", "ticks", "--lakehouse",
        "s3a://bucket/lake", "--s3-region", "eu-west-1", "--symbols", "BTCUSDT");
    LiveServices services = live.toConfig().services();
    assertThat(services.kafkaBootstrap()).isEqualTo("b-1.msk:9098");
    assertThat(services.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
    // Spark's Kafka source takes client properties prefixed; the bootstrap has its own option.
    assertThat(services.sparkKafkaOptions())
        .containsExactly(java.util.Map.entry("kafka.security.protocol", "SASL_SSL"));
    assertThat(services.topic()).isEqualTo("ticks");
    assertThat(services.exchangeUrl()).isEqualTo("https://api.binance.com");
    assertThat(services.lakehouse().root()).isEqualTo("s3a://bucket/lake");
    assertThat(services.s3().endpoint()).as("AWS: no endpoint").isNull();
    assertThat(services.s3().region()).isEqualTo("eu-west-1");
  }

  @Test
  void liveOnRealServicesNeedsKafkaAndTheLakehouseAndTheRealPace() {
    CommandRun lakehouseOnly = run("live", "--lakehouse", "s3a://bucket/lake");
    assertThat(lakehouseOnly.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(lakehouseOnly.err()).contains("--bootstrap-servers");
    CommandRun accelerated = run("live", "--bootstrap-servers", "127.0.0.1:9092", "--lakehouse",
        "s3a://bucket/lake", "--exchange-speed", "60");
    assertThat(accelerated.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(accelerated.err().lines()).containsExactly("error: --exchange-speed is for the"
        + " simulated exchange only: a real exchange runs at 1");
  }

  @Test
  void liveOnAnUnreachableKafkaIsOneLineBeforeSparkStarts() throws IOException {
    int port = closedPort();
    CommandRun r = run("live", "--bootstrap-servers", "127.0.0.1:" + port, "--lakehouse",
        "s3a://bucket/lake", "--workdir", System.getProperty("java.io.tmpdir") + "/ml-live-unused");
    assertThat(r.exitCode()).isEqualTo(Cli.FAILURE);
    assertThat(r.err().lines()).containsExactly("error: Cannot reach Kafka at 127.0.0.1:" + port
        + " within 5 s: is the broker running, and is the address right? (--bootstrap-servers)"
        + " (--debug for the stack trace)");
  }

  @Test
  void liveNamesABadOptionBeforeStartingAnything() {
    CommandRun port = run("live", "--port", "70000");
    assertThat(port.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(port.err().lines()).containsExactly("error: --port must be 0 to 65535, got 70000");
    CommandRun history = run("live", "--history", "0s");
    assertThat(history.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(history.err().lines())
        .containsExactly("error: --history must be at least 1m, got PT0S");
  }

  @Test
  void anUnreachableKafkaIsOneLineAndExit1BeforeSparkStarts() throws IOException {
    int port = closedPort();
    CommandRun r = run("bronze", "--bootstrap-servers", "127.0.0.1:" + port, "--lakehouse",
        "file:///tmp/marketlake-unused");
    assertThat(r.exitCode()).isEqualTo(Cli.FAILURE);
    assertThat(r.err().lines()).containsExactly("error: Cannot reach Kafka at 127.0.0.1:" + port
        + " within 5 s: is the broker running, and is the address right? (--bootstrap-servers)"
        + " (--debug for the stack trace)");
  }

  @Test
  void anUnreachableS3IsOneLineAndExit1() throws IOException {
    int port = closedPort();
    CommandRun r = run("silver", "--lakehouse", "s3a://marketlake/lakehouse", "--s3-endpoint",
        "http://127.0.0.1:" + port);
    assertThat(r.exitCode()).isEqualTo(Cli.FAILURE);
    assertThat(r.err().lines()).hasSize(1).first().asString()
        .startsWith("error: Cannot reach S3 at http://127.0.0.1:" + port + " within 5 s");
  }

  @Test
  void debugAddsTheStackTrace() throws IOException {
    CommandRun r = run("ingest", "poll", "--symbols", "BTCUSDT", "--bootstrap-servers",
        "127.0.0.1:" + closedPort(), "--debug");
    assertThat(r.exitCode()).isEqualTo(Cli.FAILURE);
    assertThat(r.err()).startsWith("error: Cannot reach Kafka at ")
        .contains("\tat io.marketlake.common.Reachability.requireKafka");
  }

  @Test
  void aMalformedSymbolIsAUsageError() {
    CommandRun r = run("demo", "--symbols", "BTC/USDT");
    assertThat(r.exitCode()).isEqualTo(Cli.USAGE);
    assertThat(r.err().lines()).containsExactly("error: Invalid symbol 'BTC/USDT': expected 2-20"
        + " letters and digits, e.g. BTCUSDT (--symbols)");
  }
}
