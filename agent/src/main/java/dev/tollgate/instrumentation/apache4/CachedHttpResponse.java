package dev.tollgate.instrumentation.apache4;

import dev.tollgate.pipeline.LlmCall;
import org.apache.http.HttpVersion;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.message.BasicHttpResponse;

/** A cache hit as HttpClient 4 returns responses: closing it ends the call. A helper class. */
final class CachedHttpResponse extends BasicHttpResponse implements CloseableHttpResponse {
  private final LlmCall call;

  CachedHttpResponse(int status, LlmCall call) {
    super(HttpVersion.HTTP_1_1, status, status == 200 ? "OK" : "");
    this.call = call;
  }

  @Override
  public void close() {
    call.onClosedEarly();
  }
}
