package dev.tollgate.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Loads the recorded exchanges under src/test/resources/wire (WireMock mappings and VCR
 * cassettes, see the README there) as plain request/response bytes.
 */
final class Wire {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Exchange(String url, byte[] requestBody, int status, String contentType, byte[] responseBody) {
    boolean eventStream() {
      return contentType != null && contentType.startsWith("text/event-stream");
    }

    String responseText() {
      return new String(responseBody, StandardCharsets.UTF_8);
    }
  }

  private Wire() {}

  /** The exchanges of one file, e.g. {@code openai/chat-basic.wiremock.yaml}. */
  static List<Exchange> load(String name) {
    String resource = "/wire/" + name;
    try (InputStream in = Wire.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no such wire file: " + resource);
      }
      List<Exchange> out = new ArrayList<>();
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc.has("interactions")) {
            for (JsonNode i : doc.get("interactions")) {
              out.add(vcr(i));
            }
          } else if (doc.has("request")) {
            out.add(wiremock(doc));
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Exchange first(String name) {
    return load(name).get(0);
  }

  private static Exchange wiremock(JsonNode stub) {
    JsonNode req = stub.get("request");
    JsonNode res = stub.get("response");
    String body = req.path("bodyPatterns").path(0).path("equalToJson").asText("");
    return new Exchange(req.path("url").asText(), utf8(body), res.path("status").asInt(),
        header(res.path("headers"), "Content-Type"), utf8(res.path("body").asText("")));
  }

  private static Exchange vcr(JsonNode interaction) throws IOException {
    JsonNode req = interaction.get("request");
    JsonNode res = interaction.get("response");
    JsonNode bodyNode = res.path("body").path("string");
    byte[] body = bodyNode.isBinary() ? bodyNode.binaryValue() : utf8(bodyNode.asText(""));
    String uri = req.path("uri").asText();
    return new Exchange(uri, utf8(req.path("body").asText("")), res.path("status").path("code").asInt(),
        header(res.path("headers"), "Content-Type"), body);
  }

  private static String header(JsonNode headers, String name) {
    Iterator<Map.Entry<String, JsonNode>> it = headers.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        JsonNode v = e.getValue();
        return v.isArray() ? v.path(0).asText() : v.asText();
      }
    }
    return null;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
