package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The opt-in content attributes ({@code gen_ai.input.messages}, {@code gen_ai.output.messages},
 * {@code gen_ai.system_instructions}) as JSON strings in the GenAI semconv message schemas.
 *
 * <p>Why a tiny model instead of writing while parsing: in provider JSON a message's
 * {@code role} may come after its {@code content}, and the output of a stream is assembled from
 * deltas, so parts are collected first and written once with a {@link JsonGenerator} (always
 * valid JSON, whatever the content). Only used when content capture is on.
 */
final class GenAiMessages {
  private GenAiMessages() {}

  /** Part types of the semconv schema (plus our use of {@code uri} / {@code reasoning}). */
  static final String TEXT = "text";
  static final String TOOL_CALL = "tool_call";
  static final String TOOL_CALL_RESPONSE = "tool_call_response";
  static final String BLOB = "blob";
  static final String URI = "uri";
  static final String FILE_DATA = "file_data";
  static final String REASONING = "reasoning";

  /** One message part; unset fields are not written. */
  static final class Part {
    final String type;
    String content;
    String id;
    String name;
    String arguments;
    String response;
    String modality;
    String mimeType;
    String uri;
    String fileId;

    Part(String type) {
      this.type = type;
    }

    static Part text(String text) {
      Part p = new Part(TEXT);
      p.content = text;
      return p;
    }

    static Part toolCall(String id, String name, String arguments) {
      Part p = new Part(TOOL_CALL);
      p.id = id;
      p.name = name;
      p.arguments = arguments;
      return p;
    }

    static Part reasoning(String text) {
      Part p = new Part(REASONING);
      p.content = text;
      return p;
    }

    static Part toolCallResponse(String id, String response) {
      Part p = new Part(TOOL_CALL_RESPONSE);
      p.id = id;
      p.response = response;
      return p;
    }

    /**
     * An image given by URL: a {@code data:} URL with base64 content becomes a {@code blob}
     * part, any other URL a {@code uri} part.
     */
    static Part image(String url) {
      if (url != null && url.startsWith("data:")) {
        int comma = url.indexOf(',');
        int semi = url.indexOf(';');
        if (comma > 0 && semi > 0 && semi < comma && url.regionMatches(true, semi, ";base64", 0, 7)) {
          Part p = new Part(BLOB);
          p.modality = "image";
          p.mimeType = semi > 5 ? url.substring(5, semi) : null;
          p.content = url.substring(comma + 1);
          return p;
        }
      }
      Part p = new Part(URI);
      p.modality = "image";
      p.uri = url;
      return p;
    }
  }

  /** One chat message: role, parts, and (output messages only) the finish reason. */
  static final class Message {
    String role;
    String name;
    String finishReason;
    final List<Part> parts = new ArrayList<>(2);

    Message(String role) {
      this.role = role;
    }
  }

  /**
   * An output message's finish reason: the one reported, else {@code "unknown"} for a response
   * that ended normally without one, {@code "error"} for a cut one (the schema requires one).
   */
  static String finishReason(String reported, boolean complete) {
    return reported != null ? reported : (complete ? "unknown" : "error");
  }

  /** The text parts' content, concatenated (a tool result given as parts); other parts dropped. */
  static String joinText(List<Part> parts) {
    StringBuilder sb = new StringBuilder();
    if (parts != null) {
      for (Part part : parts) {
        if (TEXT.equals(part.type) && part.content != null) {
          sb.append(part.content);
        }
      }
    }
    return sb.toString();
  }

  /** One output message (the formats with a single answer) as gen_ai.output.messages. */
  static String writeOutputMessage(Message m) throws IOException {
    List<Message> one = new ArrayList<>(1);
    one.add(m);
    return writeMessages(one, true);
  }

  /** Reads a message's content value into parts (each format has its own content shape). */
  interface PartsReader {
    void read(JsonParser p, List<Part> into) throws Exception;
  }

  /**
   * A request's message list in the plain {@code [{role, <partsField>}]} shape (Anthropic's
   * {@code messages}, Gemini's {@code contents}): the role as the format names it, mapped by
   * {@code role}; other fields skipped. Null when the value is not an array.
   */
  static List<Message> readRoleMessages(JsonParser p, String partsField, PartsReader parts,
      UnaryOperator<String> role) throws Exception {
    if (!Json.enterArray(p)) {
      return null;
    }
    List<Message> out = new ArrayList<>();
    while (Json.nextElement(p)) {
      if (!Json.enterObject(p)) {
        continue;
      }
      Message m = new Message(null);
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("role")) {
          m.role = role.apply(Json.stringValue(p));
        } else if (f.equals(partsField)) {
          parts.read(p, m.parts);
        } else {
          p.skipChildren();
        }
      }
      out.add(m);
    }
    return out;
  }

  /** {@code [{"role":...,"parts":[...]}, ...]}; output messages also carry finish_reason. */
  static String writeMessages(List<Message> messages, boolean output) throws IOException {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartArray();
      for (Message m : messages) {
        g.writeStartObject();
        g.writeStringField("role", m.role != null ? m.role : (output ? "assistant" : "user"));
        writeParts(g, m.parts);
        if (m.name != null) {
          g.writeStringField("name", m.name);
        }
        if (output) {
          g.writeStringField("finish_reason", m.finishReason != null ? m.finishReason : "");
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    return w.toString();
  }

  /** {@code [{"type":"text","content":...}, ...]} for gen_ai.system_instructions. */
  static String writePartList(List<Part> parts) throws IOException {
    StringWriter w = new StringWriter(128);
    try (JsonGenerator g = Json.FACTORY.createGenerator(w)) {
      g.writeStartArray();
      for (Part p : parts) {
        writePart(g, p);
      }
      g.writeEndArray();
    }
    return w.toString();
  }

  private static void writeParts(JsonGenerator g, List<Part> parts) throws IOException {
    g.writeArrayFieldStart("parts");
    for (Part p : parts) {
      writePart(g, p);
    }
    g.writeEndArray();
  }

  private static void writePart(JsonGenerator g, Part p) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", p.type);
    if (p.id != null) {
      g.writeStringField("id", p.id);
    }
    if (TOOL_CALL.equals(p.type)) {
      g.writeStringField("name", p.name != null ? p.name : "");
      if (p.arguments != null) {
        g.writeFieldName("arguments");
        // OpenAI sends arguments as a JSON text; keep it structured when it is valid JSON
        if (Json.isSingleValue(p.arguments)) {
          g.writeRawValue(p.arguments.trim());
        } else {
          g.writeString(p.arguments);
        }
      }
    } else if (p.name != null) {
      g.writeStringField("name", p.name);
    }
    if (TOOL_CALL_RESPONSE.equals(p.type)) {
      g.writeFieldName("response");
      if (p.response != null) {
        g.writeString(p.response);
      } else {
        g.writeNull();
      }
    }
    if (p.modality != null) {
      g.writeStringField("modality", p.modality);
    }
    if (p.mimeType != null) {
      g.writeStringField("mime_type", p.mimeType);
    }
    if (p.uri != null) {
      g.writeStringField("uri", p.uri);
    }
    if (p.fileId != null) {
      g.writeStringField("file_id", p.fileId);
    }
    if (p.content != null) {
      g.writeStringField("content", p.content);
    }
    g.writeEndObject();
  }

  /**
   * A budget of captured characters for one response, so accumulating stream deltas can't grow
   * without bound. Text past the budget is dropped and {@link #truncated()} says so.
   */
  static final class TextBudget {
    static final int DEFAULT_CHARS = 1 << 20;
    private int remaining;
    private boolean truncated;

    TextBudget(int chars) {
      this.remaining = chars;
    }

    /** Appends as much of {@code s} as the budget allows; returns the builder (created lazily). */
    StringBuilder append(StringBuilder sb, String s) {
      if (s == null || s.isEmpty()) {
        return sb;
      }
      if (sb == null) {
        sb = new StringBuilder(Math.min(256, Math.max(16, s.length())));
      }
      if (s.length() <= remaining) {
        sb.append(s);
        remaining -= s.length();
      } else {
        if (remaining > 0) {
          sb.append(s, 0, remaining);
          remaining = 0;
        }
        truncated = true;
      }
      return sb;
    }

    boolean truncated() {
      return truncated;
    }
  }
}
