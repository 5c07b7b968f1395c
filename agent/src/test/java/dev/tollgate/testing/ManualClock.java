package dev.tollgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that moves only when a test says so: time-based tests take no wall time. */
public final class ManualClock extends Clock {
  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public ManualClock(Instant start) {
    this(start.toEpochMilli());
  }

  public void advance(long byMillis) {
    millis.addAndGet(byMillis);
  }

  public void advance(Duration by) {
    advance(by.toMillis());
  }

  public void set(Instant t) {
    millis.set(t.toEpochMilli());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
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
