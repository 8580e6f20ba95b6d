package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.MarketMessage;
import io.marketlake.common.MessageCodec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CoinGeckoSourceTest {
  /** A real /simple/price answer (ids=bitcoin,ethereum, vs usd, change and update time on). */
  static final String PRICES = "{\"bitcoin\":{\"usd\":67187.3358,\"usd_24h_change\":3.6387"
      + "23398544173,\"last_updated_at\":1711356300},\"ethereum\":{\"usd\":3521.07,"
      + "\"usd_24h_change\":-0.4129578,\"last_updated_at\":1711356288}}";

  FakeTime time;
  TestExchange exchange;

  @BeforeEach
  void setUp() throws Exception {
    time = new FakeTime(Instant.parse("2024-03-25T08:45:30Z"));
    exchange = new TestExchange(time, 2, Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    exchange.close();
  }

  CoinGeckoSource source(String apiKey) {
    HttpUrl base = exchange.baseUrl().newBuilder().addPathSegments("api/v3").build();
    return new CoinGeckoSource(base, "usd", apiKey, exchange.http, exchange.stats, time,
        exchange.log);
  }

  @Test
  void pricesBecomeSnapshotsWithExactDecimalsAndTheDemoKeyHeader() throws Exception {
    exchange.enqueue(200, PRICES);

    List<MarketMessage> snapshots = source("CG-demo").snapshots(List.of("bitcoin", "ethereum"));

    RecordedRequest request = exchange.server.takeRequest();
    assertThat(request.getUrl().encodedPath()).isEqualTo("/api/v3/simple/price");
    assertThat(FakeBinance.query(request, "ids", "vs_currencies", "include_24hr_change",
        "include_last_updated_at")).containsExactly("bitcoin,ethereum", "usd", "true", "true");
    assertThat(request.getHeaders().get("x-cg-demo-api-key")).isEqualTo("CG-demo");
    assertThat(snapshots).containsExactly(
        MarketMessage.snapshot("coingecko", "bitcoin", 1711356300_000L,
            new BigDecimal("67187.3358"), new BigDecimal("3.638723398544173"), time.millis()),
        MarketMessage.snapshot("coingecko", "ethereum", 1711356288_000L,
            new BigDecimal("3521.07"), new BigDecimal("-0.4129578"), time.millis()));
    assertThat(new String(MessageCodec.encode(snapshots.get(0))))
        .contains("\"kind\":\"snapshot\"", "\"price\":67187.3358", "\"open_time\":1711356300000")
        .doesNotContain("\"close\"");
  }

  @Test
  void withoutAKeyNoHeaderIsSent() throws Exception {
    exchange.enqueue(200, PRICES);

    source(null).snapshots(List.of("bitcoin"));

    assertThat(exchange.server.takeRequest().getHeaders().get("x-cg-demo-api-key")).isNull();
  }

  @Test
  void unknownIdsAndNullPricesAreSkippedCountedAndReportedOnce() throws Exception {
    String body = "{\"bitcoin\":{\"usd\":null,\"last_updated_at\":1711356300},"
        + "\"ethereum\":{\"usd\":3521.07,\"last_updated_at\":1711356288}}";
    exchange.enqueue(200, body);
    exchange.enqueue(200, body);
    CoinGeckoSource source = source(null);

    source.snapshots(List.of("bitcoin", "ethereum", "bitconnect"));
    List<MarketMessage> second = source.snapshots(List.of("bitcoin", "ethereum", "bitconnect"));

    assertThat(second).extracting(MarketMessage::symbol).containsExactly("ethereum");
    assertThat(exchange.stats.skipped.get()).isEqualTo(4);
    assertThat(exchange.logText.toString().lines().filter(l -> l.contains("no usd price")))
        .hasSize(2)
        .anySatisfy(l -> assertThat(l).contains("'bitconnect' (unknown id)"));
  }

  @Test
  void emptyObjectMeansNoKnownIds() throws Exception {
    exchange.enqueue(200, "{}");

    assertThat(source(null).snapshots(List.of("nosuchcoin"))).isEmpty();
    assertThat(exchange.stats.malformed.get()).isZero();
  }

  @Test
  void a429WithRetryAfterThenTruncatedJsonThenSuccess() throws Exception {
    exchange.enqueue(429, "{\"status\":{\"error_code\":429,\"error_message\":\"You've exceeded"
        + " the Rate Limit.\"}}", "Retry-After", "30");
    exchange.enqueue(200, PRICES.substring(0, 40));
    exchange.enqueue(200, PRICES);

    assertThat(source(null).snapshots(List.of("bitcoin"))).hasSize(1);
    assertThat(exchange.stats.rateLimited.get()).isEqualTo(1);
    assertThat(exchange.stats.malformed.get()).isEqualTo(1);
    assertThat(time.sleeps).contains(Duration.ofSeconds(30));
  }

  @Test
  void thePollerPublishesEachUpdateOnce() throws Exception {
    exchange.enqueue(200, PRICES);
    exchange.enqueue(200, PRICES); // not updated since the last poll
    exchange.enqueue(200, PRICES.replace("1711356300", "1711356360").replace("67187.3358",
        "67190.01"));
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    IngestState state = IngestState.inMemory();

    PollResult result = new SnapshotPoller(List.of("bitcoin", "ethereum"), source(null),
        new MarketPublisher(producer, "t"), state, exchange.log, time, time.sleeper(),
        Duration.ofSeconds(2)).run(3, null);

    assertThat(producer.history()).extracting(r -> MessageCodec.decode(r.value()))
        .extracting(m -> m.symbol() + "@" + m.openTime() + "=" + m.price())
        .containsExactly("bitcoin@1711356300000=67187.3358", "ethereum@1711356288000=3521.07",
            "bitcoin@1711356360000=67190.01");
    assertThat(result.candlesPerSymbol()).containsEntry("bitcoin", 2L)
        .containsEntry("ethereum", 1L);
    assertThat(state.pollMark("bitcoin")).hasValue(1711356360_000L);
    // cycles at start, then at the minute boundaries plus the delay
    assertThat(time.instant()).isEqualTo(Instant.parse("2024-03-25T08:47:02Z"));
    assertThat(exchange.logText.toString()).contains("cycle 2 at 2024-03-25T08:46:02Z:"
        + " 2 symbols, 0 new snapshots");
  }

  @Test
  void aBanA500AndASlowAnswerAreRiddenOutWithTheRightWaits() throws Exception {
    TestExchange.assertRidesOutBanErrorAndSlowAnswer(time, PRICES,
        quick -> new CoinGeckoSource(quick.baseUrl().newBuilder().addPathSegments("api/v3")
            .build(), "usd", null, quick.http, quick.stats, time, quick.log)
            .snapshots(List.of("bitcoin")));
  }

}
