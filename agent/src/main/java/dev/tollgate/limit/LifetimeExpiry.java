package dev.tollgate.limit;

import com.github.benmanes.caffeine.cache.Expiry;
import java.util.function.ToLongBiFunction;

/** Caffeine expiry that gives an entry the same lifetime from each create, update and read. */
final class LifetimeExpiry<K, V> implements Expiry<K, V> {
  private final ToLongBiFunction<K, V> lifetimeNanos;

  LifetimeExpiry(ToLongBiFunction<K, V> lifetimeNanos) {
    this.lifetimeNanos = lifetimeNanos;
  }

  @Override
  public long expireAfterCreate(K key, V value, long currentTime) {
    return lifetimeNanos.applyAsLong(key, value);
  }

  @Override
  public long expireAfterUpdate(K key, V value, long currentTime, long currentDuration) {
    return lifetimeNanos.applyAsLong(key, value);
  }

  @Override
  public long expireAfterRead(K key, V value, long currentTime, long currentDuration) {
    return lifetimeNanos.applyAsLong(key, value);
  }
}
