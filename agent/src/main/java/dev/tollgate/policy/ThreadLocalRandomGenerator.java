package dev.tollgate.policy;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The production source of randomness: each call goes to the calling thread's
 * {@link ThreadLocalRandom}.
 *
 * <p>Why not store {@code ThreadLocalRandom.current()}: its contract is to be used by the thread
 * that obtained it, and these policies are shared by every application thread.
 */
final class ThreadLocalRandomGenerator implements RandomGenerator {
  static final RandomGenerator INSTANCE = new ThreadLocalRandomGenerator();

  private ThreadLocalRandomGenerator() {}

  @Override
  public long nextLong() {
    return ThreadLocalRandom.current().nextLong();
  }

  @Override
  public long nextLong(long bound) {
    return ThreadLocalRandom.current().nextLong(bound);
  }

  @Override
  public int nextInt(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }
}
