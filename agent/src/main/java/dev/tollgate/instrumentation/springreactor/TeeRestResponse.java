package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.instrumentation.TeeInputStream;
import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The response a RestClient gets for a handled call over Reactor Netty: the real one (or a
 * cache hit's stored bytes), Tollgate's response headers added, the body read through a
 * {@link TeeInputStream}. Closing it ends the call (closed early unless the body was read to its
 * end). A helper class.
 */
final class TeeRestResponse implements ClientHttpResponse {
  private final HttpStatusCode status;
  private final String statusText;
  private final HttpHeaders headers;
  private final ClientHttpResponse delegate;
  private final InputStream cachedBody;
  private final LlmCall call;
  private InputStream body;

  TeeRestResponse(HttpStatusCode status, String statusText, HttpHeaders headers, ClientHttpResponse delegate, LlmCall call) {
    this(status, statusText, headers, delegate, null, call);
  }

  TeeRestResponse(HttpStatusCode status, String statusText, HttpHeaders headers, InputStream cachedBody, LlmCall call) {
    this(status, statusText, headers, null, cachedBody, call);
  }

  private TeeRestResponse(HttpStatusCode status, String statusText, HttpHeaders headers, ClientHttpResponse delegate,
      InputStream cachedBody, LlmCall call) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.delegate = delegate;
    this.cachedBody = cachedBody;
    this.call = call;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return status;
  }

  @Override
  public String getStatusText() {
    return statusText;
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public synchronized InputStream getBody() throws IOException {
    if (body == null) {
      body = new TeeInputStream(delegate != null ? delegate.getBody() : cachedBody, call);
    }
    return body;
  }

  @Override
  public void close() {
    try {
      if (delegate != null) {
        delegate.close();
      }
    } finally {
      call.onClosedEarly(); // no-op when the body already ended the call
    }
  }
}
