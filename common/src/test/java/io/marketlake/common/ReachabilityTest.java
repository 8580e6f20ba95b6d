package io.marketlake.common;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ReachabilityTest {
  @Test
  void aListeningServerPassesAndAClosedPortFailsWithOneLine() throws Exception {
    int closedPort;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      assertThatCode(() -> Reachability.requireKafka("127.0.0.1:" + port, "--bootstrap-servers"))
          .doesNotThrowAnyException();
      assertThatCode(() -> Reachability.requireS3(
          S3Settings.local("http://127.0.0.1:" + port, "k", "s"))).doesNotThrowAnyException();
      closedPort = port;
    }
    assertThatThrownBy(() -> Reachability.requireKafka("127.0.0.1:" + closedPort,
        "--bootstrap-servers"))
        .isInstanceOf(Reachability.UnreachableException.class)
        .hasMessage("Cannot reach Kafka at 127.0.0.1:" + closedPort + " within 5 s: is the broker"
            + " running, and is the address right? (--bootstrap-servers)");
    assertThatThrownBy(() -> Reachability.requireS3(
        S3Settings.local("http://127.0.0.1:" + closedPort, "k", "s")))
        .isInstanceOf(Reachability.UnreachableException.class)
        .hasMessageStartingWith("Cannot reach S3 at http://127.0.0.1:" + closedPort);
  }

  @Test
  void malformedAddressesAreUsageErrors() {
    assertThatThrownBy(() -> Reachability.requireKafka("localhost", "--bootstrap-servers"))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid Kafka server 'localhost': expected HOST:PORT, e.g. 127.0.0.1:9092"
            + " (--bootstrap-servers)");
    assertThatCode(() -> Reachability.requireS3(S3Settings.aws("eu-west-1")))
        .doesNotThrowAnyException();
  }
}
