package io.marketlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExchangeClockTest {
  final FakeTime time = new FakeTime(Instant.parse("2026-02-01T00:10:30Z"));
  final StringWriter logText = new StringWriter();
  final ActivityLog log = new ActivityLog(new PrintWriter(logText), time);

  /** A time source that fails {@code failures} times, then answers {@code exchangeTime}. */
  static ExchangeClock.TimeSource failing(int failures, long exchangeTime, AtomicInteger asked) {
    return () -> {
      if (asked.incrementAndGet() <= failures) {
        throw new IOException("GET /api/v3/time for server time failed after 4 attempts:"
            + " Connection refused");
      }
      return exchangeTime;
    };
  }

  @Test
  void asksAgainUntilTheExchangeAnswersAndNeverReturnsTheLocalClock() throws Exception {
    long exchangeTime = time.millis() - 45_000; // the local clock runs 45 s ahead of the exchange
    AtomicInteger asked = new AtomicInteger();
    ExchangeClock clock =
        new ExchangeClock(failing(6, exchangeTime, asked), time, time.sleeper(), log);

    long now = clock.now();

    assertThat(now).isEqualTo(exchangeTime);
    assertThat(asked).hasValue(7);
    // doubling pauses, bounded
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(10),
        Duration.ofSeconds(10));
    assertThat(logText.toString().lines()).hasSize(6).first().asString().endsWith("WARN cannot"
        + " read the exchange's time (GET /api/v3/time for server time failed after 4 attempts:"
        + " Connection refused), failure 1: asking again in 1000 ms (nothing is published on a"
        + " local guess of it)");
  }

  @Test
  void aLateAnswerCannotMakeTheSleepTowardTheNextMinuteLongerThanTwoSeconds() throws Exception {
    // An exchange at 10x; its second answer reached this JVM 5 s late (a GC pause).
    long start = time.millis();
    long[] answers = {start, start + 12_000};
    AtomicInteger asked = new AtomicInteger();
    ExchangeClock clock = new ExchangeClock(() -> answers[asked.getAndIncrement()], time,
        time.sleeper(), log);

    clock.now();
    time.advance(Duration.ofMillis(1_200 + 5_000));
    long now = clock.now();

    assertThat(clock.speed()).as("12 s of exchange time in 6.2 s: a fifth of the real speed")
        .isCloseTo(1.94, org.assertj.core.api.Assertions.within(0.01));
    // 48 s of exchange time to the next minute would be 25 s at that speed; at 10x it is 4.8 s.
    assertThat(clock.localWaitUntil(now + 48_000, now)).isEqualTo(Duration.ofMillis(24_800));
    assertThat(clock.sleepUntil(now + 48_000, now)).isEqualTo(ExchangeClock.MAX_SLEEP);
  }

  @Test
  void theSpeedIsMeasuredOverAtLeastASecond() throws Exception {
    long start = time.millis();
    long[] answers = {start, start + 5_000, start + 12_000};
    AtomicInteger asked = new AtomicInteger();
    ExchangeClock clock = new ExchangeClock(() -> answers[asked.getAndIncrement()], time,
        time.sleeper(), log);

    clock.now();
    time.advance(Duration.ofMillis(500));
    clock.now();
    assertThat(clock.speed()).as("not measured over 0.5 s").isEqualTo(1.0);
    time.advance(Duration.ofMillis(700));
    clock.now();
    assertThat(clock.speed()).isCloseTo(10.0, org.assertj.core.api.Assertions.within(0.01));
  }

  @Test
  void aFailureAfterEarlierAnswersIsAskedAgainNotExtrapolated() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    long[] answers = {time.millis() - 45_000, time.millis() - 40_000};
    ExchangeClock clock = new ExchangeClock(() -> {
      int n = asked.incrementAndGet();
      if (n == 2) throw new IOException("timeout");
      return answers[n == 1 ? 0 : 1];
    }, time, time.sleeper(), log);

    clock.now();
    time.advance(Duration.ofSeconds(4));

    assertThat(clock.now()).isEqualTo(answers[1]);
    assertThat(asked).hasValue(3);
  }

  @Test
  void stopEndsTheAskingWithoutAnAnswer() {
    AtomicInteger asked = new AtomicInteger();
    ExchangeClock[] clock = new ExchangeClock[1];
    clock[0] = new ExchangeClock(() -> {
      if (asked.incrementAndGet() == 2) clock[0].stop(); // Ctrl-C while the exchange is away
      throw new IOException("Connection refused");
    }, time, time.sleeper(), log);

    assertThatThrownBy(clock[0]::now).isInstanceOf(InterruptedException.class)
        .hasMessage("stopped while asking the exchange for its time");
    assertThat(asked).hasValue(2);
  }
}
