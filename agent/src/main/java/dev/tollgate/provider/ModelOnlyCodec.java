package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.telemetry.CallRecord;
import java.util.List;

/**
 * The minimum for a wire format: what the request asks for (model, stream, sampling
 * parameters), nothing from the response.
 *
 * <p>Why it exists: a call must get a correctly named span ({@code chat claude-...},
 * {@code generate_content gemini-...}) and be priced by its request model as soon as its endpoint
 * is recognised, even for a format whose full codec is not wired in (or is switched off). Its
 * response observer accepts the bytes and records nothing.
 */
public final class ModelOnlyCodec implements ProviderCodec {

  /** The wire formats this codec understands. */
  public enum Format {
    /** Anthropic {@code /v1/messages}: model and parameters in the body. */
    ANTHROPIC_MESSAGES,
    /** Gemini / Vertex {@code .../models/{model}:generateContent}: model and stream in the path. */
    GEMINI
  }

  private static final ResponseObserver NOTHING = new ResponseObserver() {
    @Override
    public void onBytes(byte[] bytes, int offset, int length) {}

    @Override
    public void onEnd(boolean complete) {}
  };

  private final Format format;
  private final String codec;

  public ModelOnlyCodec(Format format) {
    this.format = format == null ? Format.ANTHROPIC_MESSAGES : format;
    this.codec = this.format == Format.GEMINI ? "gemini" : "anthropic";
  }

  public Format format() {
    return format;
  }

  @Override
  public void readRequest(String path, byte[] body, CallRecord record) {
    if (record == null) {
      return;
    }
    try {
      if (format == Format.GEMINI) {
        GeminiPath.apply(path, record);
      } else {
        if (record.operation == null) {
          record.operation = "chat";
        }
        readAnthropicParameters(body, record, codec);
      }
    } catch (Throwable t) {
      Json.warn(record, codec, "unparsable request", t);
    }
  }

  @Override
  public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
    return NOTHING;
  }

  /** Anthropic request parameters into the record; messages and system are skipped. */
  static void readAnthropicParameters(byte[] body, CallRecord record, String codec) throws Exception {
    if (body == null || body.length == 0) {
      return;
    }
    try (JsonParser p = Json.parser(body, 0, body.length)) {
      p.nextToken();
      if (!Json.enterObject(p)) {
        record.warn(codec + ": request body is not a JSON object");
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (!readAnthropicParameter(f, p, record)) {
          p.skipChildren();
        }
      }
    }
  }

  /** One top-level Anthropic request field; false when it is not a parameter we record. */
  static boolean readAnthropicParameter(String field, JsonParser p, CallRecord record) throws Exception {
    switch (field) {
      case "model": {
        String v = Json.stringValue(p);
        if (v != null) {
          record.requestModel = v;
        }
        return true;
      }
      case "stream":
        if (Boolean.TRUE.equals(Json.booleanValue(p))) {
          record.stream = Boolean.TRUE;
        }
        return true;
      case "max_tokens": {
        Long v = Json.longValue(p);
        if (v != null) {
          record.maxTokens = v;
        }
        return true;
      }
      case "temperature": {
        Double v = Json.doubleValue(p);
        if (v != null) {
          record.temperature = v;
        }
        return true;
      }
      case "top_p": {
        Double v = Json.doubleValue(p);
        if (v != null) {
          record.topP = v;
        }
        return true;
      }
      case "top_k": {
        Double v = Json.doubleValue(p);
        if (v != null) {
          record.topK = v;
        }
        return true;
      }
      case "stop_sequences": {
        List<String> v = Json.stringOrStrings(p, 16);
        if (v != null) {
          record.stopSequences = v;
        }
        return true;
      }
      default:
        return false;
    }
  }

  /** Gemini carries the model and the streaming choice in the path, not the body. */
  static final class GeminiPath {
    private GeminiPath() {}

    /**
     * {@code /v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse} → model
     * {@code gemini-2.5-flash}, stream true. Vertex paths
     * ({@code .../publishers/google/models/{model}:generateContent}) work the same way.
     */
    static void apply(String path, CallRecord record) {
      if (record.operation == null) {
        record.operation = "generate_content";
      }
      if (path == null) {
        return;
      }
      int q = path.indexOf('?');
      int end = q >= 0 ? q : path.length();
      int slash = path.lastIndexOf('/', end - 1);
      int colon = path.indexOf(':', slash + 1);
      if (colon < 0 || colon >= end) {
        return;
      }
      if (colon > slash + 1) {
        record.requestModel = decode(path.substring(slash + 1, colon));
      }
      if (path.startsWith("streamGenerateContent", colon + 1)) {
        record.stream = Boolean.TRUE;
      }
    }

    private static String decode(String segment) {
      if (segment.indexOf('%') < 0) {
        return segment;
      }
      try {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return segment;
      }
    }
  }
}
