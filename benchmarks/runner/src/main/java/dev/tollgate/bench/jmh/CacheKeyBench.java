package dev.tollgate.bench.jmh;

import dev.tollgate.policy.CacheKeys;
import dev.tollgate.policy.CacheSettings;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The cache key of a chat request: canonical JSON of the body, the credential's digest, SHA-256. */
@State(Scope.Benchmark)
public class CacheKeyBench {
  private final byte[] body = Recordings.CHAT_REQUEST.getBytes(StandardCharsets.UTF_8);
  private final CacheSettings settings = CacheSettings.builder().build();

  @Benchmark
  public CacheKeys chatRequestKey() {
    return CacheKeys.of("openai", "/v1/chat/completions", body, "Bearer sk-bench-0123456789abcdef", settings);
  }
}
