package io.marketlake.ingest;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the backfill and poll tests start from: a fake Binance on a fake clock, a producer that
 * acknowledges at once, and empty in-memory resume state.
 */
abstract class FakeBinanceFixture {
  FakeTime time;
  TestExchange exchange;
  FakeBinance binance;
  MockProducer<byte[], byte[]> producer;
  IngestState state;

  /** Where the exchange's clock stands when a test begins. */
  abstract Instant exchangeStart();

  @BeforeEach
  void startExchangeAndProducer() throws Exception {
    startExchangeAt(exchangeStart());
    producer = new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
    state = IngestState.inMemory();
  }

  /** A fake Binance whose clock starts at {@code start} (replacing the one running). */
  void startExchangeAt(Instant start) throws Exception {
    if (exchange != null) exchange.close();
    time = new FakeTime(start);
    exchange = new TestExchange(time, 1, Duration.ofSeconds(5));
    binance = new FakeBinance(time::millis);
    exchange.server.setDispatcher(binance);
  }

  @AfterEach
  void closeExchange() {
    exchange.close();
  }
}
