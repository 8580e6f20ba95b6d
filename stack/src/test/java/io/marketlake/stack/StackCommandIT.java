package io.marketlake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.Cli;
import io.marketlake.common.StackEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stack up} leaves the servers running (the exchange in its own JVM); {@code down} ends them. */
class StackCommandIT extends StackCommandRuns {
  @TempDir Path workdir;
  @AfterEach
  void down() throws Exception {
    EmbeddedStack.stopAt(workdir); // never leave servers behind, even when the test failed
  }

  @Test
  void upStatusDown() throws Exception {
    assertThat(run("up", "--workdir", workdir.toString(), "--exchange-speed", "60",
        "--exchange-start", "2026-02-01")).as(err.toString()).isEqualTo(Cli.OK);
    StackEndpoints endpoints = StackEndpoints.read(workdir);
    assertThat(out.toString())
        .startsWith("Local stack running in " + workdir)
        .contains(endpoints.kafkaBootstrap(), endpoints.s3Endpoint(), endpoints.exchangeUrl());
    assertThat(endpoints.pids()).containsOnlyKeys("kafka", "s3", "exchange");

    // the exchange JVM runs on the accelerated clock from 2026-02-01
    HttpResponse<String> time = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(endpoints.exchangeUrl() + "/api/v3/time")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(time.body()).startsWith("{\"serverTime\":17699");

    assertThat(run("up", "--workdir", workdir.toString())).isEqualTo(Cli.USAGE);
    assertThat(err.toString()).contains("A local stack is already running in " + workdir);
    assertThat(run("status", "--workdir", workdir.toString())).isEqualTo(Cli.OK);

    assertThat(run("down", "--workdir", workdir.toString())).isEqualTo(Cli.OK);
    assertThat(out.toString()).contains("Stopped the local stack in " + workdir);
    assertThat(Files.exists(StackEndpoints.file(workdir))).isFalse();
    for (String address : new String[] {endpoints.kafkaBootstrap(), endpoints.s3Endpoint(),
        endpoints.exchangeUrl()}) {
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      assertThat(ChildJvm.listening(port)).as("%s still listening", address).isFalse();
    }
    assertThat(run("status", "--workdir", workdir.toString())).isEqualTo(Cli.FAILURE);
  }
}
