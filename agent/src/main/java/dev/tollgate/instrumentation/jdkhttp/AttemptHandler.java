package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.LlmCall;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The body handler of one attempt under a retry or fallback policy. The decision is taken
 * on the status and headers, before any body byte is read: a response the policies want to
 * repeat is drained and dropped (the application never sees it); the one to deliver goes to
 * the application's own handler, through the tee, with Tollgate's response headers added.
 */
final class AttemptHandler<T> implements HttpResponse.BodyHandler<T> {
  private final HttpResponse.BodyHandler<T> app;
  private final LlmCall call;
  private volatile AttemptPlan next;

  AttemptHandler(HttpResponse.BodyHandler<T> app, LlmCall call) {
    this.app = app;
    this.call = call;
  }

  /** The attempt to make next, or null when this attempt's response was delivered. */
  AttemptPlan next() {
    return next;
  }

  @Override
  @SuppressWarnings("unchecked")
  public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
    HttpHeaders received = info.headers();
    AttemptPlan again = call.afterResponse(info.statusCode(), name -> received.firstValue(name).orElse(null));
    if (again != null) {
      next = again;
      return (HttpResponse.BodySubscriber<T>) HttpResponse.BodySubscribers.replacing(null);
    }
    HttpHeaders headers = PolicyResponses.withExtra(received, call.extraResponseHeaders());
    List<Map.Entry<String, String>> all = null;
    if (call.wantsResponseHeaders()) {
      all = new ArrayList<>();
      for (Map.Entry<String, List<String>> h : received.map().entrySet()) {
        for (String v : h.getValue()) {
          all.add(Map.entry(h.getKey(), v));
        }
      }
    }
    call.onResponseHead(info.statusCode(), name -> received.firstValue(name).orElse(null), all);
    return new TeeBodyHandler.TeeSubscriber<>(app.apply(new PolicyResponses.Info(info.statusCode(), headers)), call);
  }
}
