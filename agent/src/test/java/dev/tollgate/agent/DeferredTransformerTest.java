package dev.tollgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeferredTransformerTest {
  private static final byte[] ORIGINAL = {1, 2, 3};
  private static final byte[] TRANSFORMED = {4, 5, 6};

  /** Stands for Byte Buddy's transformer: records what it was asked to transform. */
  private static final class Recording implements ClassFileTransformer {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
        ProtectionDomain domain, byte[] bytes) {
      seen.add(className);
      return TRANSFORMED;
    }
  }

  private static byte[] load(DeferredTransformer t, String name) {
    return t.transform(null, null, name, null, null, ORIGINAL);
  }

  @Test
  void aTypeThatIsNotInstrumentedNeverWaitsForByteBuddy() {
    DeferredTransformer t = new DeferredTransformer(Set.of("okhttp3/OkHttpClient"), 60_000);
    long start = System.nanoTime();
    assertThat(load(t, "com/example/Service")).isNull();
    assertThat(load(t, null)).isNull();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
  }

  @Test
  void anInstrumentedTypeLoadingEarlyWaitsForByteBuddyAndIsTransformed() throws Exception {
    DeferredTransformer t = new DeferredTransformer(Set.of("okhttp3/OkHttpClient"), 60_000);
    CompletableFuture<byte[]> loading = CompletableFuture.supplyAsync(() -> load(t, "okhttp3/OkHttpClient"));
    Thread.sleep(50);
    assertThat(loading).as("waits until Byte Buddy is ready").isNotDone();

    Recording byteBuddy = new Recording();
    t.ready(byteBuddy);

    assertThat(loading.get(10, TimeUnit.SECONDS)).isEqualTo(TRANSFORMED);
    assertThat(byteBuddy.seen).containsExactly("okhttp3/OkHttpClient");
    assertThat(load(t, "com/example/Service")).isNull();
    assertThat(byteBuddy.seen).as("other types are never handed over").hasSize(1);
  }

  @Test
  void whenByteBuddyCouldNotBeBuiltTypesLoadAsTheyAre() {
    DeferredTransformer t = new DeferredTransformer(Set.of("java/net/URL"), 60_000);
    t.ready(null);
    assertThat(load(t, "java/net/URL")).isNull();
  }

  @Test
  void aTypeLoadingTooLongBeforeByteBuddyIsReadyIsLeftAsItIs() {
    DeferredTransformer t = new DeferredTransformer(Set.of("java/net/URL"), 20);
    assertThat(load(t, "java/net/URL")).isNull();
    assertThat(t.isReady()).isFalse();
  }

  @Test
  void theSetUpThreadNeverWaitsForItself() {
    DeferredTransformer t = new DeferredTransformer(Set.of("java/net/URL"), 60_000);
    t.settingUpOn(Thread.currentThread());
    assertThat(load(t, "java/net/URL")).isNull();
  }

  @Test
  void aFailingByteBuddyTransformerLeavesTheClassAsItIs() {
    DeferredTransformer t = new DeferredTransformer(Set.of("java/net/URL"), 60_000);
    t.ready(new ClassFileTransformer() {
      @Override
      public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
          ProtectionDomain domain, byte[] bytes) {
        throw new IllegalStateException("boom");
      }
    });
    assertThat(load(t, "java/net/URL")).isNull();
  }

  @Test
  void everyInstrumentationsTypesAreWatchedUnderTheirJvmNames() {
    assertThat(AgentInstaller.targetInternalNames()).contains("sun/net/www/protocol/http/Handler", "okhttp3/OkHttpClient",
        "jdk/internal/net/http/HttpClientBuilderImpl", "org/apache/hc/client5/http/impl/classic/HttpClientBuilder");
  }
}
