package dev.tollgate.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One recorded provider response, read from the wire files in {@code src/test/resources/wire/}:
 * WireMock mappings ({@code *.wiremock.yaml}) or vcrpy cassettes ({@code *.vcr.yaml}).
 */
public record Recording(String file, int status, Map<String, String> headers, String body) {
  /** Framing headers describe the recorded connection, not the answer: the stub server sets its own. */
  private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding");

  private static final YAMLMapper YAML = new YAMLMapper();

  public static final Recording CHAT = load("wire/openai/chat-basic.wiremock.yaml");
  public static final Recording CHAT_STREAM = load("wire/openai/chat-stream-include-usage.wiremock.yaml");
  public static final Recording EMBEDDINGS = load("wire/openai/embeddings-basic.wiremock.yaml");
  public static final Recording RESPONSES = load("wire/openai/responses-basic.vcr.yaml");
  public static final Recording RESPONSES_STREAM = load("wire/openai/responses-stream.vcr.yaml");
  public static final Recording ANTHROPIC_MESSAGES = load("wire/anthropic/messages-basic.vcr.yaml");
  public static final Recording ANTHROPIC_STREAM = load("wire/anthropic/messages-stream.vcr.yaml");
  public static final Recording GEMINI_GENERATE = load("wire/gemini/generate-content.vertex.vcr.yaml");
  public static final Recording GEMINI_STREAM = load("wire/gemini/stream-generate-content.vertex.vcr.yaml");

  /** The first exchange of a wire file on the test class path. */
  public static Recording load(String resource) {
    try (InputStream in = Recording.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc == null || doc.isNull() || doc.isMissingNode()) {
            continue;
          }
          return resource.endsWith(".vcr.yaml") ? fromVcr(resource, doc) : fromWireMock(resource, doc);
        }
      }
      throw new IllegalStateException("no exchange in " + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Recording fromWireMock(String file, JsonNode stub) {
    JsonNode response = stub.path("response");
    Map<String, String> headers = new LinkedHashMap<>();
    response.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    return new Recording(file, response.path("status").asInt(), filter(headers), response.path("body").asText());
  }

  private static Recording fromVcr(String file, JsonNode cassette) {
    JsonNode response = cassette.path("interactions").path(0).path("response");
    Map<String, String> headers = new LinkedHashMap<>();
    response.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().path(0).asText()));
    return new Recording(file, response.path("status").path("code").asInt(), filter(headers),
        response.path("body").path("string").asText());
  }

  private static Map<String, String> filter(Map<String, String> headers) {
    Map<String, String> kept = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
        kept.put(name, value);
      }
    });
    return Collections.unmodifiableMap(kept);
  }

  /** A response header, case-insensitively, or null. */
  public String header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  /** The SSE events of a streamed body, each with its terminating blank line. */
  public List<String> sseEvents() {
    List<String> events = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      if (!event.isBlank()) {
        events.add(event + "\n\n");
      }
    }
    return events;
  }
}
