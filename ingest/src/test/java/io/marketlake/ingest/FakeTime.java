package io.marketlake.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when the code under test sleeps through {@link #sleeper()}. */
final class FakeTime extends Clock {
  private final AtomicLong millis;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  FakeTime(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      millis.addAndGet(d.toMillis());
    };
  }

  void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  Duration slept() {
    return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
