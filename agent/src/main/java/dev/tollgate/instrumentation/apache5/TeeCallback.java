package dev.tollgate.instrumentation.apache5;

import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/**
 * The application's callback for the response it gets: the call is told the head first (and
 * Tollgate's response headers are added to it), the body through {@link TeeDataConsumer}, then
 * the end. The async handler sits inside the client's content decompression: a body it sees
 * still encoded is never stored (the cache replays no {@code Content-Encoding}). A helper class.
 */
final class TeeCallback implements AsyncExecCallback {
  private final AsyncExecCallback delegate;
  private final LlmCall call;

  TeeCallback(AsyncExecCallback delegate, LlmCall call) {
    this.delegate = delegate;
    this.call = call;
  }

  @Override
  public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
      throws HttpException, IOException {
    try {
      Header encoding = response.getFirstHeader("Content-Encoding");
      boolean encoded = encoding != null && !encoding.getValue().equalsIgnoreCase("identity");
      Apache5Policies.announce(response, call, !encoded);
    } catch (Throwable t) {
      // observing failed; the application still gets its response
    }
    AsyncDataConsumer consumer = delegate.handleResponse(response, entityDetails);
    if (entityDetails == null || consumer == null) {
      return consumer;
    }
    return new TeeDataConsumer(consumer, call);
  }

  @Override
  public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
    delegate.handleInformationResponse(response);
  }

  @Override
  public void completed() {
    try {
      delegate.completed();
    } finally {
      call.onComplete();
    }
  }

  @Override
  public void failed(Exception cause) {
    try {
      delegate.failed(cause);
    } finally {
      call.onError(cause);
    }
  }
}
