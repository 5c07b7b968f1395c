package example.anthropicjava;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import java.util.Set;

/**
 * An ordinary application using the official anthropic-java SDK (OkHttp underneath). It knows
 * nothing about Tollgate: it only sends the Helicone headers a Helicone user already sends.
 *
 * <pre>
 * ANTHROPIC_BASE_URL=http://127.0.0.1:8089 ANTHROPIC_API_KEY=sk-ant-... \
 *   java -cp target/anthropic-java-app.jar:target/lib/* example.anthropicjava.AnthropicJavaApp messages
 * </pre>
 *
 * <p>Scenarios: messages, stream; cache (the same message twice with Helicone-Cache-Enabled),
 * retry (Helicone-Retry-* headers), fallback (asks for claude-opus-4 with Helicone-Fallback-Model:
 * claude-sonnet-4). Stdout is a deterministic account of what the SDK parsed.
 */
public final class AnthropicJavaApp {
  private static final String MODEL = "claude-sonnet-4-20250514";
  private static final String UNAVAILABLE_MODEL = "claude-opus-4-20250514";
  private static final Set<String> GATEWAY_RETRIES = Set.of("retry", "fallback", "limited", "three");

  public static void main(String[] args) {
    String scenario = args.length > 0 ? args[0] : "messages";
    AnthropicOkHttpClient.Builder builder = AnthropicOkHttpClient.builder()
        .baseUrl(envOr("ANTHROPIC_BASE_URL", "https://api.anthropic.com"))
        .apiKey(envOr("ANTHROPIC_API_KEY", "missing-key"))
        .putHeader("Helicone-Property-Scenario", scenario)
        .putHeader("Helicone-User-Id", "demo-user")
        .putHeader("Helicone-Session-Id", "demo-session");
    if (GATEWAY_RETRIES.contains(scenario)) {
      // The gateway retries or falls back for us (Helicone-Retry-* / Fallback-* headers); the SDK's own
      // retries (2 by default, on 408/409/429/5xx) would otherwise answer the 429/503 before the gateway sees it.
      // With a rate limit, a refused call is reported at once instead of retried.
      builder.maxRetries(0);
    }
    AnthropicClient client = builder.build();
    int exit = 0;
    try {
      switch (scenario) {
        case "messages" -> messages(client, question().build());
        case "stream" -> stream(client);
        case "cache" -> {
          MessageCreateParams params = question().putAdditionalHeader("Helicone-Cache-Enabled", "true").build();
          System.out.println("call 1");
          messages(client, params);
          System.out.println("call 2");
          messages(client, params);
        }
        case "retry" -> messages(client, question()
            .putAdditionalHeader("Helicone-Retry-Enabled", "true")
            .putAdditionalHeader("Helicone-Retry-Num", "2")
            .putAdditionalHeader("Helicone-Retry-Factor", "2")
            .putAdditionalHeader("Helicone-Retry-Min-Timeout", "200")
            .putAdditionalHeader("Helicone-Retry-Max-Timeout", "2000")
            .build());
        case "fallback" -> messages(client, question().model(UNAVAILABLE_MODEL)
            .putAdditionalHeader("Helicone-Fallback-Model", MODEL)
            .putAdditionalHeader("Helicone-Fallback-OnCodes", "503")
            .build());
        case "limited" -> threeCalls(client, question().putAdditionalHeader("Helicone-RateLimit-Policy", "2;w=60").build());
        case "three" -> threeCalls(client, question().build());
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } catch (AnthropicServiceException e) {
      System.out.println("error: " + e.getClass().getSimpleName() + " status=" + e.statusCode());
      exit = 1;
    } finally {
      client.close();
    }
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** The same call three times, each with its outcome: the answer, or the SDK's exception for a refusal. */
  static void threeCalls(AnthropicClient client, MessageCreateParams params) {
    for (int call = 1; call <= 3; call++) {
      try {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params);
        System.out.println("call " + call + ": status " + raw.statusCode() + ", rate limit remaining "
            + raw.headers().values("Helicone-RateLimit-Remaining") + ", " + raw.parse().id());
      } catch (AnthropicServiceException e) {
        System.out.println("call " + call + ": " + e.getClass().getSimpleName() + " status=" + e.statusCode()
            + ", rate limit remaining " + e.headers().values("Helicone-RateLimit-Remaining"));
      }
    }
  }

  private static MessageCreateParams.Builder question() {
    return MessageCreateParams.builder().model(MODEL).maxTokens(100).addUserMessage("Say hello in one word.");
  }

  static void messages(AnthropicClient client, MessageCreateParams params) {
    HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params);
    System.out.println("status: " + raw.statusCode());
    Message message = raw.parse();
    System.out.println("id: " + message.id());
    System.out.println("model: " + message.model().asString());
    for (ContentBlock block : message.content()) {
      block.text().ifPresent(t -> System.out.println("text: " + t.text()));
    }
    System.out.println("stop_reason: " + message.stopReason().map(Object::toString).orElse("-"));
    System.out.println("usage: input=" + message.usage().inputTokens() + " output=" + message.usage().outputTokens()
        + " cache_read=" + message.usage().cacheReadInputTokens().orElse(0L)
        + " cache_creation=" + message.usage().cacheCreationInputTokens().orElse(0L));
  }

  static void stream(AnthropicClient client) {
    MessageCreateParams params = MessageCreateParams.builder().model(MODEL).maxTokens(100).addUserMessage("Say hi.").build();
    long start = System.nanoTime();
    try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
      events.stream().forEach(event -> {
        System.err.println("chunk-ms " + (System.nanoTime() - start) / 1_000_000);
        if (event.isMessageStart()) {
          Message m = event.asMessageStart().message();
          System.out.println("message_start: id=" + m.id() + " model=" + m.model().asString()
              + " input=" + m.usage().inputTokens());
        } else if (event.isContentBlockDelta()) {
          event.asContentBlockDelta().delta().text().ifPresent(d -> System.out.println("delta: " + d.text()));
        } else if (event.isMessageDelta()) {
          var delta = event.asMessageDelta();
          System.out.println("message_delta: stop_reason=" + delta.delta().stopReason().map(Object::toString).orElse("-")
              + " output=" + delta.usage().outputTokens());
        } else if (event.isMessageStop()) {
          System.out.println("message_stop");
        }
      });
    }
    System.out.println("stream: done");
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
