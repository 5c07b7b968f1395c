package example.openaijava;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.ResponsesModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingModel;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import java.util.List;

/**
 * An ordinary application using the official openai-java SDK (OkHttp underneath). It knows nothing
 * about Tollgate: it only sends the Helicone headers a Helicone user already sends.
 *
 * <pre>
 * OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_API_KEY=sk-... \
 *   java -cp target/openai-java-app.jar:target/lib/* example.openaijava.OpenAiJavaApp chat
 * </pre>
 *
 * <p>Scenarios: chat, stream, async, embeddings, responses, responses-stream. Stdout is a
 * deterministic account of what the SDK parsed, so a run with and without an agent can be diffed.
 */
public final class OpenAiJavaApp {
  private static final String QUESTION = "Answer in up to 3 words: Which ocean contains Bouvet Island?";

  public static void main(String[] args) throws Exception {
    String scenario = args.length > 0 ? args[0] : "chat";
    String baseUrl = envOr("OPENAI_BASE_URL", "https://api.openai.com/v1");

    OpenAIClient client = OpenAIOkHttpClient.builder()
        .baseUrl(baseUrl)
        .apiKey(envOr("OPENAI_API_KEY", "missing-key"))
        .putHeader("Helicone-Property-Scenario", scenario)
        .putHeader("Helicone-User-Id", "demo-user")
        .putHeader("Helicone-Session-Id", "demo-session")
        .build();
    try {
      switch (scenario) {
        case "chat" -> chat(client);
        case "stream" -> stream(client);
        case "async" -> async(client);
        case "embeddings" -> embeddings(client);
        case "responses" -> responses(client);
        case "responses-stream" -> responsesStream(client);
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario);
      }
    } finally {
      client.close();
    }
  }

  private static ChatCompletionCreateParams.Builder question() {
    return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(QUESTION);
  }

  static void chat(OpenAIClient client) {
    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(question().build());
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  static void stream(OpenAIClient client) {
    ChatCompletionCreateParams params = question()
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
        client.chat().completions().withRawResponse().createStreaming(params);
    System.out.println("status: " + raw.statusCode());
    try (StreamResponse<ChatCompletionChunk> chunks = raw.parse()) {
      chunks.stream().forEach(chunk -> {
        StringBuilder line = new StringBuilder("chunk: id=").append(chunk.id()).append(" model=").append(chunk.model());
        chunk.choices().forEach(choice -> {
          choice.delta().content().ifPresent(c -> line.append(" delta=\"").append(c).append('"'));
          choice.finishReason().ifPresent(f -> line.append(" finish_reason=").append(f.asString()));
        });
        chunk.usage().ifPresent(u -> line.append(" usage=").append(u.promptTokens()).append('/')
            .append(u.completionTokens()).append('/').append(u.totalTokens()));
        System.out.println(line);
        System.out.flush();
      });
    }
    System.out.println("stream: done");
  }

  static void async(OpenAIClient client) {
    ChatCompletion completion = client.async().chat().completions().create(question().build()).join();
    System.out.println("async: completed");
    print(completion);
  }

  static void embeddings(OpenAIClient client) {
    EmbeddingCreateParams params = EmbeddingCreateParams.builder()
        .model(EmbeddingModel.TEXT_EMBEDDING_3_SMALL)
        .input("South Atlantic Ocean.")
        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
        .build();
    HttpResponseFor<CreateEmbeddingResponse> raw = client.embeddings().withRawResponse().create(params);
    System.out.println("status: " + raw.statusCode());
    CreateEmbeddingResponse response = raw.parse();
    System.out.println("model: " + response.model());
    response.data().forEach(e -> {
      List<Float> v = e.embedding();
      System.out.println("embedding[" + e.index() + "]: dims=" + v.size() + " first=" + v.subList(0, Math.min(3, v.size()))
          + " sum=" + v.stream().mapToDouble(Float::doubleValue).sum());
    });
    System.out.println("usage: prompt=" + response.usage().promptTokens() + " total=" + response.usage().totalTokens());
  }

  private static ResponseCreateParams.Builder responsesRequest() {
    return ResponseCreateParams.builder()
        .model(ChatModel.GPT_4O_MINI)
        .instructions("You are a helpful assistant.")
        .input("Say this is a test");
  }

  static void responses(OpenAIClient client) {
    HttpResponseFor<Response> raw = client.responses().withRawResponse().create(responsesRequest().build());
    System.out.println("status: " + raw.statusCode());
    print(raw.parse());
  }

  static void responsesStream(OpenAIClient client) {
    HttpResponseFor<StreamResponse<ResponseStreamEvent>> raw =
        client.responses().withRawResponse().createStreaming(responsesRequest().build());
    System.out.println("status: " + raw.statusCode());
    try (StreamResponse<ResponseStreamEvent> events = raw.parse()) {
      events.stream().forEach(event -> {
        event.outputTextDelta().ifPresent(d -> System.out.println("delta: \"" + d.delta() + "\""));
        event.completed().ifPresent(c -> {
          System.out.println("completed:");
          print(c.response());
        });
        System.out.flush();
      });
    }
    System.out.println("stream: done");
  }

  private static void print(ChatCompletion completion) {
    System.out.println("id: " + completion.id());
    System.out.println("model: " + completion.model());
    completion.choices().forEach(choice -> System.out.println("choice[" + choice.index() + "]: finish_reason="
        + choice.finishReason().asString() + " content=\"" + choice.message().content().orElse("") + "\""));
    completion.usage().ifPresent(u -> System.out.println("usage: prompt=" + u.promptTokens()
        + " completion=" + u.completionTokens() + " total=" + u.totalTokens()));
  }

  private static void print(Response response) {
    System.out.println("id: " + response.id());
    System.out.println("model: " + modelName(response.model()));
    response.status().ifPresent(s -> System.out.println("response status: " + s.asString()));
    response.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c ->
        c.outputText().ifPresent(t -> System.out.println("output_text: \"" + t.text() + "\"")))));
    response.usage().ifPresent(u -> System.out.println("usage: input=" + u.inputTokens()
        + " output=" + u.outputTokens() + " total=" + u.totalTokens()));
  }

  /** The SDK parses a response's model into one of three shapes; each prints as the model's name. */
  private static String modelName(ResponsesModel model) {
    if (model.isChat()) {
      return model.asChat().asString();
    }
    return model.isOnly() ? model.asOnly().asString() : model.asString();
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
