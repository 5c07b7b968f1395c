package dev.tollgate.bench.jmh;

import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.EndpointRecognizer;
import dev.tollgate.provider.HeaderLookup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** What every HTTP request of an app pays: is this an LLM call? (Defaults: no endpoint mappings, detection by path on.) */
@State(Scope.Benchmark)
public class EndpointRecognitionBench {
  private final EndpointRecognizer recognizer = new EndpointRecognizer(null, true);
  private final HeaderLookup headers = name -> name.equalsIgnoreCase("content-type") ? "application/json" : null;

  @Benchmark
  public Endpoint nonLlmRequest() {
    return recognizer.recognize("orders.internal.example.com", 8443, "/api/v2/orders/search", headers);
  }

  @Benchmark
  public Endpoint openAiChatRequest() {
    return recognizer.recognize("api.openai.com", 443, "/v1/chat/completions", headers);
  }
}
