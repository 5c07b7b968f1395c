package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.telemetry.CallRecord;

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
    try (JsonParser p = RequestParams.openBody(body, record, codec)) {
      if (p == null) {
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
      case "model":
        RequestParams.model(p, record);
        return true;
      case "stream":
        RequestParams.stream(p, record);
        return true;
      case "max_tokens":
        RequestParams.maxTokens(p, record);
        return true;
      case "temperature":
        RequestParams.temperature(p, record);
        return true;
      case "top_p":
        RequestParams.topP(p, record);
        return true;
      case "top_k":
        RequestParams.topK(p, record);
        return true;
      case "stop_sequences":
        RequestParams.stopSequences(p, record);
        return true;
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
