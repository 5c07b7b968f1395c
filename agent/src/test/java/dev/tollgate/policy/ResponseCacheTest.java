package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RandomGenerator random = new SplittableRandom(7);

  private ResponseCache cache(long maxBytes) {
    return new ResponseCache(maxBytes, nanos::get, random);
  }

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static CacheKeys keys(String body, int bucket) {
    CacheSettings s = CacheSettings.builder().bucketMaxSize(bucket).build();
    return CacheKeys.of("openai", "/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8), "sk-test", s);
  }

  private static CachedResponse answer(String body) {
    return CachedResponse.of(200, List.of(new SimpleEntry<>("content-type", "application/json")),
        body.getBytes(StandardCharsets.UTF_8), 0.002);
  }

  private static String text(CachedResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void storedAnswerIsServedUntilItsTtlThenGone() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{\"q\":1}", 1);

    assertThat(cache.lookup(k)).as("first call: miss").isNull();
    cache.store(k, answer("A"), 60_000);

    CachedResponse hit = cache.lookup(k);
    assertThat(hit).isNotNull();
    assertThat(text(hit)).isEqualTo("A");
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.costUsd()).isEqualTo(0.002);
    assertThat(hit.headers()).containsExactly(new SimpleEntry<>("content-type", "application/json"));

    advanceMillis(59_999);
    assertThat(cache.lookup(k)).as("just before the TTL").isNotNull();
    advanceMillis(1);
    assertThat(cache.lookup(k)).as("at the TTL").isNull();
  }

  @Test
  void anEntryAwaitingItsCostTakesTheFirstSettledCostOnly() {
    CachedResponse pending = CachedResponse.awaitingCost(200, List.of(), new byte[] {1});
    assertThat(pending.costUsd()).isNull();
    pending.settleCost(0.125);
    pending.settleCost(9.0);
    assertThat(pending.costUsd()).isEqualTo(0.125);

    CachedResponse unpriced = CachedResponse.awaitingCost(200, List.of(), new byte[] {1});
    unpriced.settleCost(Double.NaN);
    unpriced.settleCost(1.0);
    assertThat(unpriced.costUsd()).as("a cost that is no amount leaves it unpriced, and settled").isNull();

    CachedResponse priced = CachedResponse.of(200, List.of(), new byte[] {1}, 0.5);
    priced.settleCost(2.0);
    assertThat(priced.costUsd()).isEqualTo(0.5);
  }

  @Test
  void aReaderMayWaitBrieflyForTheCostBeingSettledOnAnotherThread() throws Exception {
    CachedResponse pending = CachedResponse.awaitingCost(200, List.of(), new byte[] {1});
    assertThat(pending.costUsd(1)).as("nobody settles it: unpriced after the wait").isNull();
    Thread settler = new Thread(() -> pending.settleCost(0.375));
    settler.start();
    assertThat(pending.costUsd(10_000)).isEqualTo(0.375);
    settler.join();
    assertThat(CachedResponse.of(200, List.of(), new byte[] {1}, 0.5).costUsd(10_000)).as("no wait when priced")
        .isEqualTo(0.5);
  }

  @Test
  void readsDoNotExtendTheTtl() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 1);
    cache.store(k, answer("A"), 1_000);
    for (int i = 0; i < 9; i++) {
      advanceMillis(100);
      assertThat(cache.lookup(k)).isNotNull();
    }
    advanceMillis(100);
    assertThat(cache.lookup(k)).isNull();
  }

  @Test
  void eachEntryHasItsOwnTtl() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys shortLived = keys("{\"a\":1}", 1);
    CacheKeys longLived = keys("{\"a\":2}", 1);
    cache.store(shortLived, answer("short"), 1_000);
    cache.store(longLived, answer("long"), 10_000);

    advanceMillis(5_000);

    assertThat(cache.lookup(shortLived)).isNull();
    assertThat(text(cache.lookup(longLived))).isEqualTo("long");
  }

  @Test
  void onlyTwoHundredsAreStored() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 1);
    for (int status : new int[] {199, 301, 404, 429, 500, 503}) {
      cache.store(k, CachedResponse.of(status, List.of(), new byte[] {1}, null), 60_000);
      assertThat(cache.lookup(k)).as("status %d", status).isNull();
    }
    cache.store(k, CachedResponse.of(201, List.of(), new byte[] {1}, null), 60_000);
    assertThat(cache.lookup(k)).isNotNull();
  }

  @Test
  void aZeroTtlStoresNothing() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 1);
    cache.store(k, answer("A"), 0);
    assertThat(cache.lookup(k)).isNull();
  }

  @Test
  void bucketMissesUntilEverySlotIsFilledThenServesRandomSlots() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{\"q\":\"tell me a joke\"}", 3);

    assertThat(cache.lookup(k)).isNull();
    cache.store(k, answer("joke-0"), 60_000);
    assertThat(cache.lookup(k)).as("1 of 3 slots filled").isNull();
    cache.store(k, answer("joke-1"), 60_000);
    assertThat(cache.lookup(k)).as("2 of 3 slots filled").isNull();
    cache.store(k, answer("joke-2"), 60_000);

    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      CachedResponse r = cache.lookup(k);
      assertThat(r).isNotNull();
      served.merge(text(r), 1, Integer::sum);
    }
    assertThat(served).containsOnlyKeys("joke-0", "joke-1", "joke-2");
    assertThat(served.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
  }

  @Test
  void storingIntoAFullBucketReplacesSlotZero() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 2);
    cache.store(k, answer("a"), 60_000);
    cache.store(k, answer("b"), 60_000);
    cache.store(k, answer("c"), 60_000);

    java.util.Set<String> served = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      served.add(text(cache.lookup(k)));
    }
    assertThat(served).containsExactlyInAnyOrder("c", "b");
  }

  @Test
  void anExpiredSlotMakesTheBucketMissAgainAndIsRefilled() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 2);
    cache.store(k, answer("old"), 1_000);
    cache.store(k, answer("new"), 60_000);
    assertThat(cache.lookup(k)).isNotNull();

    advanceMillis(1_000);
    assertThat(cache.lookup(k)).as("slot 0 expired").isNull();
    cache.store(k, answer("fresh"), 60_000);

    java.util.Set<String> served = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      served.add(text(cache.lookup(k)));
    }
    assertThat(served).containsExactlyInAnyOrder("fresh", "new");
  }

  @Test
  void theByteBoundHoldsAfterEveryStoreAndTheFirstEntriesAreEvicted() {
    long max = 10_000;
    ResponseCache cache = cache(max);
    byte[] body = new byte[900];
    int stored = 40;
    for (int i = 0; i < stored; i++) {
      cache.store(keys("{\"i\":" + i + "}", 1),
          CachedResponse.of(200, List.of(new SimpleEntry<>("content-type", "x/y")), body, null), 60_000);
      assertThat(cache.weightedSizeBytes()).isLessThanOrEqualTo(max);
    }
    int present = 0;
    for (int i = 0; i < stored; i++) {
      if (cache.lookup(keys("{\"i\":" + i + "}", 1)) != null) {
        present++;
      }
    }
    // each entry weighs 900 + "content-type" (12) + "x/y" (3) = 915 bytes: at most 10 fit
    assertThat(present).isBetween(1, 10);
    assertThat(cache.weightedSizeBytes()).isEqualTo(present * 915L);
    assertThat(cache.lookup(keys("{\"i\":0}", 1))).as("the oldest entry was evicted").isNull();
  }

  @Test
  void aFrequentlyReadAnswerSurvivesAFloodOfOneOffAnswers() {
    ResponseCache cache = cache(10_000);
    CacheKeys hot = keys("{\"hot\":true}", 1);
    cache.store(hot, CachedResponse.of(200, List.of(), new byte[900], null), 60_000);
    for (int i = 0; i < 20; i++) {
      assertThat(cache.lookup(hot)).isNotNull();
    }
    for (int i = 0; i < 200; i++) {
      cache.store(keys("{\"cold\":" + i + "}", 1), CachedResponse.of(200, List.of(), new byte[900], null), 60_000);
    }
    assertThat(cache.lookup(hot)).isNotNull();
    assertThat(cache.weightedSizeBytes()).isLessThanOrEqualTo(10_000);
  }

  @Test
  void anAnswerHeavierThanTheWholeCacheIsNotStored() {
    ResponseCache cache = cache(100);
    CacheKeys small = keys("{\"s\":1}", 1);
    cache.store(small, CachedResponse.of(200, List.of(), new byte[50], null), 60_000);
    cache.store(keys("{\"s\":2}", 1), CachedResponse.of(200, List.of(), new byte[101], null), 60_000);

    assertThat(cache.lookup(small)).as("not pushed out by an entry that could never fit").isNotNull();
    assertThat(cache.weightedSizeBytes()).isEqualTo(50);
  }

  @Test
  void theWeightCountsBodyAndHeaderBytes() {
    ResponseCache cache = cache(1 << 20);
    cache.store(keys("{}", 1), CachedResponse.of(200,
        List.of(new SimpleEntry<>("a", "bc"), new SimpleEntry<>("x-é", "€")), new byte[10], null), 60_000);
    // 10 + (1 + 2) + (4 + 3)
    assertThat(cache.weightedSizeBytes()).isEqualTo(20);
  }

  @Test
  void clearDropsEverything() {
    ResponseCache cache = cache(1 << 20);
    CacheKeys k = keys("{}", 1);
    cache.store(k, answer("A"), 60_000);
    cache.clear();
    assertThat(cache.lookup(k)).isNull();
    assertThat(cache.weightedSizeBytes()).isZero();
  }

  @Test
  void cachedResponsesAreImmutable() {
    byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
    CachedResponse r = CachedResponse.of(200, List.of(), body, null);
    body[0] = 'X';
    r.body()[1] = 'Y';

    assertThat(text(r)).isEqualTo("abc");
    assertThat(r.costUsd()).isNull();
    assertThatThrownBy(() -> r.headers().add(new SimpleEntry<>("a", "b")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.toString()).contains("bodyBytes=3").doesNotContain("abc");
  }

  @Test
  void cachedResponseValidates() {
    assertThatThrownBy(() -> CachedResponse.of(42, List.of(), new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachedResponse.of(200, List.of(), null, null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> CachedResponse.of(200, List.of(new SimpleEntry<>("a", null)), new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CachedResponse.of(200, List.of(), new byte[0], -1.0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ResponseCache(-1, nanos::get, random)).isInstanceOf(IllegalArgumentException.class);
  }
}
