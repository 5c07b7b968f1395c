package dev.tollgate.policy;

import dev.tollgate.config.TollgateConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How one call uses the response cache: read, write or both, for how long, in which namespace,
 * with how many answers per request, and which top-level body keys don't count.
 *
 * <p>Why read and write are separate: Helicone's {@code Cache-Save} fills the cache without
 * serving from it (warming) and {@code Cache-Read} serves without adding (a frozen cache).
 */
public final class CacheSettings {
  /** Largest {@code Cache-Bucket-Max-Size}, as in Helicone. */
  public static final int MAX_BUCKET_SIZE = 20;
  /** Largest time to live: 365 days, as in Helicone. */
  public static final long MAX_TTL_MILLIS = TollgateConfig.MAX_CACHE_TTL_MILLIS;

  private final boolean read;
  private final boolean write;
  private final long ttlMillis;
  private final String seed;
  private final int bucketMaxSize;
  private final Set<String> ignoreKeys;

  private CacheSettings(Builder b) {
    this.read = b.read;
    this.write = b.write;
    this.ttlMillis = b.ttlMillis;
    this.seed = b.seed;
    this.bucketMaxSize = b.bucketMaxSize;
    this.ignoreKeys = b.ignoreKeys.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(b.ignoreKeys));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Serve a stored answer when there is one. */
  public boolean read() {
    return read;
  }

  /** Store a complete 2xx answer. */
  public boolean write() {
    return write;
  }

  /** Time to live of what this call writes (0..365 days; 0 stores nothing). */
  public long ttlMillis() {
    return ttlMillis;
  }

  /** Namespace of the entries ({@code Cache-Seed}), or null. */
  public String seed() {
    return seed;
  }

  /** How many different answers are kept for one request (1..20). */
  public int bucketMaxSize() {
    return bucketMaxSize;
  }

  /** Top-level JSON body keys left out of the cache key; unmodifiable. */
  public Set<String> ignoreKeys() {
    return ignoreKeys;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CacheSettings)) {
      return false;
    }
    CacheSettings c = (CacheSettings) o;
    return read == c.read && write == c.write && ttlMillis == c.ttlMillis && Objects.equals(seed, c.seed)
        && bucketMaxSize == c.bucketMaxSize && ignoreKeys.equals(c.ignoreKeys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(read, write, ttlMillis, seed, bucketMaxSize, ignoreKeys);
  }

  @Override
  public String toString() {
    return "CacheSettings{read=" + read + ", write=" + write + ", ttlMillis=" + ttlMillis
        + (seed == null ? "" : ", seed=" + seed) + ", bucketMaxSize=" + bucketMaxSize
        + (ignoreKeys.isEmpty() ? "" : ", ignoreKeys=" + ignoreKeys) + "}";
  }

  /** Defaults: read and write, 7 days, no seed, bucket size 1, no ignored keys. */
  public static final class Builder {
    private boolean read = true;
    private boolean write = true;
    private long ttlMillis = 7L * 86_400_000L;
    private String seed;
    private int bucketMaxSize = 1;
    private final Set<String> ignoreKeys = new LinkedHashSet<>();

    private Builder() {}

    public Builder read(boolean read) {
      this.read = read;
      return this;
    }

    public Builder write(boolean write) {
      this.write = write;
      return this;
    }

    /** @throws IllegalArgumentException outside 0..365 days */
    public Builder ttlMillis(long ttlMillis) {
      if (ttlMillis < 0 || ttlMillis > MAX_TTL_MILLIS) {
        throw new IllegalArgumentException("ttlMillis must be 0.." + MAX_TTL_MILLIS + ": " + ttlMillis);
      }
      this.ttlMillis = ttlMillis;
      return this;
    }

    /** A blank seed is no seed. */
    public Builder seed(String seed) {
      this.seed = seed == null || seed.isBlank() ? null : seed;
      return this;
    }

    /** @throws IllegalArgumentException outside 1..20 */
    public Builder bucketMaxSize(int size) {
      if (size < 1 || size > MAX_BUCKET_SIZE) {
        throw new IllegalArgumentException("bucketMaxSize must be 1.." + MAX_BUCKET_SIZE + ": " + size);
      }
      this.bucketMaxSize = size;
      return this;
    }

    /** Replaces the ignored keys; each is trimmed, blank ones are dropped. */
    public Builder ignoreKeys(Collection<String> keys) {
      ignoreKeys.clear();
      for (String k : keys) {
        if (k != null && !k.isBlank()) {
          ignoreKeys.add(k.trim());
        }
      }
      return this;
    }

    /** @throws IllegalStateException when neither read nor write is on */
    public CacheSettings build() {
      if (!read && !write) {
        throw new IllegalStateException("a cache policy must read, write or both");
      }
      return new CacheSettings(this);
    }
  }
}
