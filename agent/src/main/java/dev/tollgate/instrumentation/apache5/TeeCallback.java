package dev.tollgate.instrumentation.apache5;

import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;

/** The application's callback, told first; the call observes the head and the end. A helper class. */
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
    AsyncDataConsumer consumer = delegate.handleResponse(response, entityDetails);
    call.onResponseHead(response.getCode(), TollgateExecHandler.lookup(response));
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
