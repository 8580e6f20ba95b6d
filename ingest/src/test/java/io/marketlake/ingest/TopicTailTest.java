package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.marketlake.common.MarketMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TopicTailTest {
  static final long T = 1769904000000L; // 2026-02-01T00:00Z
  static final long MINUTE = 60_000;
  final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  static MarketMessage candle(String symbol, long openTime) {
    BigDecimal one = BigDecimal.ONE;
    return MarketMessage.candle("binance", symbol, "1m", openTime, openTime + MINUTE - 1, one, one,
        one, one, one, one, 1L, one, one, openTime + MINUTE);
  }

  /** What a consumer reads back of a record {@link MarketPublisher} produced. */
  void published(MarketMessage message, String writer) {
    ProducerRecord<byte[], byte[]> sent = MarketPublisher.record("t", message, writer);
    records.add(new ConsumerRecord<>("t", 0, records.size(), 0L, TimestampType.CREATE_TIME, 0, 0,
        sent.key(), sent.value(), sent.headers(), Optional.empty()));
  }

  @Test
  void thePollersMarkComesFromItsOwnRecordsNotFromABackfillAfterThem() {
    for (int m = 0; m < 3; m++) published(candle("BTCUSDT", T + m * MINUTE), "poll");
    // A backfill of later days lands after the poller's records.
    for (int m = 2000; m < 2003; m++) {
      published(candle("BTCUSDT", T + m * MINUTE), "backfill");
    }

    assertThat(TopicTail.lastPolledMinutes(records, "binance", List.of("BTCUSDT")))
        .containsEntry("BTCUSDT", T + 2 * MINUTE);
  }

  @Test
  void aNoCandlesRangeCountsUpToItsLastMinuteAndUntaggedRecordsAreIgnored() {
    published(candle("ETHUSDT", T), "poll");
    published(MarketMessage.noCandles("binance", "ETHUSDT", "1m", T + MINUTE, T + 5 * MINUTE,
        T + 6 * MINUTE), "poll");
    // A record of a version before the writer header, and one of another source.
    ProducerRecord<byte[], byte[]> old = MarketPublisher.record("t", candle("ETHUSDT", T + 99
        * MINUTE), "poll");
    old.headers().remove(MarketPublisher.HEADER_WRITER);
    records.add(new ConsumerRecord<>("t", 0, 9, 0L, TimestampType.CREATE_TIME, 0, 0, old.key(),
        old.value(), old.headers(), Optional.empty()));

    assertThat(TopicTail.lastPolledMinutes(records, "binance", List.of("ETHUSDT")))
        .containsExactly(java.util.Map.entry("ETHUSDT", T + 4 * MINUTE));
    assertThat(TopicTail.lastPolledMinutes(records, "yahoo", List.of("ETHUSDT"))).isEmpty();
  }
}
