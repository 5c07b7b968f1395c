package dev.tollgate.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The in-memory response cache: Caffeine, bounded by bytes, each entry with its own time to
 * live, and Helicone's bucket semantics on top.
 *
 * <p>Buckets ({@code Cache-Bucket-Max-Size: n}): one request has {@code n} slots. A lookup is a
 * hit only once all {@code n} slots hold an answer, and then serves one slot picked at random;
 * until then it is a miss and the fresh answer is stored into the first empty slot. So an app
 * asking for variety gets {@code n} genuinely different completions before any repeats.
 *
 * <p>Why Caffeine's own maintenance runs on the calling thread: an agent must not put work on
 * the application's {@code ForkJoinPool.commonPool()}, and it keeps tests deterministic. Which
 * entry is evicted when the bound is reached is Caffeine's W-TinyLFU choice (frequently read
 * answers stay); the bound itself always holds after each store.
 */
public final class ResponseCache {
  private final Cache<String, Entry> cache;
  private final long maxBytes;
  private final RandomGenerator random;

  /**
   * @param maxBytes bound of the summed {@linkplain CachedResponse weights} (body + header bytes)
   * @param ticker time source of the TTLs ({@link Ticker#systemTicker()} in production)
   * @param random picks the slot served from a full bucket; must be safe for concurrent use
   * @throws IllegalArgumentException when {@code maxBytes} is negative
   */
  public ResponseCache(long maxBytes, Ticker ticker, RandomGenerator random) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.random = Objects.requireNonNull(random, "random");
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, Entry e) -> e.response.weight())
        .expireAfter(new PerEntryTtl())
        .ticker(Objects.requireNonNull(ticker, "ticker"))
        .executor(Runnable::run)
        .build();
  }

  /** A cache on the system ticker with a thread-local random. */
  public static ResponseCache create(long maxBytes) {
    return new ResponseCache(maxBytes, Ticker.systemTicker(), ThreadLocalRandomGenerator.INSTANCE);
  }

  /** A stored answer for these keys, or null (a miss): see the class comment for buckets. */
  public CachedResponse lookup(CacheKeys keys) {
    int n = keys.size();
    CachedResponse[] found = new CachedResponse[n];
    for (int i = 0; i < n; i++) {
      Entry e = cache.getIfPresent(keys.slot(i));
      if (e == null) {
        return null;
      }
      found[i] = e.response;
    }
    return n == 1 ? found[0] : found[random.nextInt(n)];
  }

  /**
   * Stores an answer into the first empty slot (slot 0 when all are full), for
   * {@code ttlMillis} (at most 365 days). Does nothing for a status outside 2xx, a
   * non-positive TTL, or an answer heavier than the whole cache.
   */
  public void store(CacheKeys keys, CachedResponse response, long ttlMillis) {
    if (response == null || response.status() < 200 || response.status() > 299 || ttlMillis <= 0
        || response.weight() > maxBytes) {
      return;
    }
    long ttl = Math.min(ttlMillis, CacheSettings.MAX_TTL_MILLIS);
    Entry entry = new Entry(response, TimeUnit.MILLISECONDS.toNanos(ttl));
    for (int i = 0; i < keys.size(); i++) {
      if (cache.getIfPresent(keys.slot(i)) == null) {
        cache.put(keys.slot(i), entry);
        return;
      }
    }
    cache.put(keys.slot(0), entry);
  }

  /** The bytes held now (expired entries awaiting clean-up included until the next clean-up). */
  public long weightedSizeBytes() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** The bound given at construction. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Drops every entry. */
  public void clear() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  private static final class Entry {
    final CachedResponse response;
    final long ttlNanos;

    Entry(CachedResponse response, long ttlNanos) {
      this.response = response;
      this.ttlNanos = ttlNanos;
    }
  }

  /** Each entry lives for its own TTL from when it was written; reads don't extend it. */
  private static final class PerEntryTtl implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry value, long currentTime) {
      return value.ttlNanos;
    }

    @Override
    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
      return value.ttlNanos;
    }

    @Override
    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
