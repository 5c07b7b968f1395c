package dev.tollgate.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final TestClocks.ManualTicker ticker = new TestClocks.ManualTicker();
  private final RateLimiter limiter = new RateLimiter(ticker);

  @Test
  void aRequestQuotaAdmitsThatManyPerWindowThenFreesAsTheWindowSlides() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "3;w=60");
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(2);
    ticker.advance(Duration.ofSeconds(20));
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(1);
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(0);
    RateLimiter.Admission refused = limiter.admit(p, null);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterNanos()).as("the first call leaves 60 s (+ a slot) after it came")
        .isBetween(TimeUnit.SECONDS.toNanos(40), TimeUnit.SECONDS.toNanos(42));

    ticker.advance(Duration.ofSeconds(40));
    assertThat(limiter.admit(p, null).allowed()).as("a window and no more than a slot later: still counted")
        .isFalse();
    ticker.advance(Duration.ofSeconds(2));
    assertThat(limiter.admit(p, null).allowed()).as("the first call has left the window").isTrue();
    assertThat(limiter.admit(p, null).allowed()).as("the other two are still in it").isFalse();
  }

  @Test
  void aRefusedCallIsNotCounted() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "1;w=60");
    assertThat(limiter.admit(p, null).allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.admit(p, null).allowed()).isFalse();
    }
    ticker.advance(Duration.ofSeconds(62));
    assertThat(limiter.admit(p, null).allowed()).isTrue();
  }

  @Test
  void eachSegmentValueHasItsOwnWindowAndCallsWithoutOneShareOne() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "1;w=60;s=user");
    assertThat(limiter.admit(p, "alice").allowed()).isTrue();
    assertThat(limiter.admit(p, "bob").allowed()).isTrue();
    assertThat(limiter.admit(p, "alice").allowed()).isFalse();
    assertThat(limiter.admit(p, null).allowed()).isTrue();
    assertThat(limiter.admit(p, null).allowed()).isFalse();
    RateLimitPolicy other = RateLimitPolicy.parse("header", "2;w=60;s=user");
    assertThat(limiter.admit(other, "alice").allowed()).as("another policy counts apart").isTrue();
  }

  @Test
  void aCentsQuotaAdmitsWhileTheSpendIsBelowItAndCountsCostsWhenCallsEnd() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "10;w=3600;u=cents");
    RateLimiter.Admission first = limiter.admit(p, null);
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).isEqualTo(10);
    limiter.charge(p, null, 0.064); // 6.4 cents
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(3);
    limiter.charge(p, null, 0.036);
    assertThat(limiter.admit(p, null).allowed()).as("10 cents spent").isFalse();
    limiter.charge(p, null, Double.NaN);
    limiter.charge(p, null, -1);
    ticker.advance(Duration.ofMinutes(62));
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(10);
  }

  @Test
  void chargingARequestPolicyChangesNothing() {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "2;w=60");
    limiter.charge(p, null, 5.0);
    assertThat(limiter.admit(p, null).remaining()).isEqualTo(1);
  }

  @Test
  void concurrentCallsRacingALimitNeverPassMoreThanTheQuota() throws Exception {
    RateLimitPolicy p = RateLimitPolicy.parse("header", "50;w=60");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 100; i++) {
            if (limiter.admit(p, null).allowed()) {
              admitted.incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(admitted.get()).isEqualTo(50);
  }
}
