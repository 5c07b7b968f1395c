package dev.tollgate.pipeline;

import dev.tollgate.provider.Endpoint;
import java.net.URI;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP attempt an adapter must make for a call: where to, with which body and extra
 * headers, after how long a wait. The first attempt is the application's own request; a
 * retry repeats the current one; a fallback changes the model (in the body, or in the path
 * for Gemini) or the whole target.
 */
public final class AttemptPlan {
  private final int number;
  private final URI uri;
  private final byte[] body;
  private final Map<String, String> headers;
  private final long delayMillis;
  private final String model;
  private final int fallbackIndex;
  private final Endpoint endpoint;
  private final boolean original;
  private final Set<String> removedHeaders;

  AttemptPlan(int number, URI uri, byte[] body, Map<String, String> headers, long delayMillis, String model,
      int fallbackIndex, Endpoint endpoint, boolean original, Set<String> removedHeaders) {
    this.number = number;
    this.uri = uri;
    this.body = body;
    this.headers = headers;
    this.delayMillis = delayMillis;
    this.model = model;
    this.fallbackIndex = fallbackIndex;
    this.endpoint = endpoint;
    this.original = original;
    this.removedHeaders = removedHeaders;
  }

  /** 1-based. */
  public int number() {
    return number;
  }

  /** The target; for the original request, the application's own URI. */
  public URI uri() {
    return uri;
  }

  /** The request body to send (the original bytes unless a fallback rewrote them). */
  public byte[] body() {
    return body;
  }

  /** Headers to set (replacing the application's of the same name); empty for most attempts. */
  public Map<String, String> headers() {
    return headers;
  }

  /** How long to wait before sending; 0 for the first attempt. */
  public long delayMillis() {
    return delayMillis;
  }

  public String model() {
    return model;
  }

  public int fallbackIndex() {
    return fallbackIndex;
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /**
   * Request headers to drop (lower-case names): the application's credentials when a
   * fallback goes to another host, so one provider's API key never reaches another.
   */
  public Set<String> removedHeaders() {
    return removedHeaders;
  }

  /** True when the request is exactly the application's (first attempt or a plain retry of it). */
  public boolean isOriginalRequest() {
    return original;
  }
}
