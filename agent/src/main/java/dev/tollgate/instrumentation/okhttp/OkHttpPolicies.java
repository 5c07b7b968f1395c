package dev.tollgate.instrumentation.okhttp;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.BlockingAttempts;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.policy.CachedResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The OkHttp side of the gateway policies: a cache hit answered without a network call, and
 * attempts repeated under retry and fallback. An application interceptor may call
 * {@code chain.proceed} more than once; each dropped response is closed first.
 *
 * <p>Waits between attempts happen on the thread running the call: the caller's for
 * {@code execute()}, the dispatcher thread that OkHttp gave this call for {@code enqueue()}
 * (OkHttp runs each asynchronous call on a thread of its own; no shared I/O loop is
 * blocked). A helper class.
 */
final class OkHttpPolicies {
  private OkHttpPolicies() {}

  static Response intercept(Interceptor.Chain chain, Request prepared, LlmCall call) throws IOException {
    try {
      CachedResponse hit = call.cachedReply();
      if (hit != null) {
        return fromCache(prepared, hit, call);
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("okhttp:cache-serve", "could not serve a cached answer; calling the provider", t);
    }
    Response response = BlockingAttempts.run(call, new Attempts(chain, prepared));
    return deliver(response, call);
  }

  /** One attempt: {@code chain.proceed} with the plan's request; a dropped response is closed. */
  private static final class Attempts implements BlockingAttempts.Transport<Response, RuntimeException> {
    private final Interceptor.Chain chain;
    private final Request prepared;

    Attempts(Interceptor.Chain chain, Request prepared) {
      this.chain = chain;
      this.prepared = prepared;
    }

    @Override
    public Response send(AttemptPlan plan) throws IOException {
      return chain.proceed(requestFor(prepared, plan));
    }

    @Override
    public int status(Response response) {
      return response.code();
    }

    @Override
    public HeaderLookup headers(Response response) {
      return response::header;
    }

    @Override
    public void discard(Response response) {
      response.close();
    }
  }

  private static Request requestFor(Request prepared, AttemptPlan plan) {
    if (plan.isOriginalRequest()) {
      return prepared;
    }
    Request.Builder b = prepared.newBuilder().url(HttpUrl.get(plan.uri().toString()));
    RequestBody original = prepared.body();
    MediaType type = original == null ? MediaType.parse("application/json") : original.contentType();
    b.method(prepared.method(), RequestBody.create(plan.body(), type));
    plan.removedHeaders().forEach(b::removeHeader);
    plan.headers().forEach(b::header);
    return b.build();
  }

  private static Response deliver(Response response, LlmCall call) {
    try {
      List<Map.Entry<String, String>> all = null;
      if (call.wantsResponseHeaders()) {
        Headers h = response.headers();
        all = new ArrayList<>(h.size());
        for (int i = 0; i < h.size(); i++) {
          all.add(Map.entry(h.name(i), h.value(i)));
        }
      }
      call.onResponseHead(response.code(), response::header, all);
      Response.Builder b = response.newBuilder();
      for (Map.Entry<String, String> e : call.extraResponseHeaders()) {
        b.header(e.getKey(), e.getValue());
      }
      ResponseBody body = response.body();
      if (body == null) {
        call.onComplete();
        return b.build();
      }
      return b.body(new TeeResponseBody(body, call)).build();
    } catch (Throwable t) {
      TollgateLog.warnOnce("okhttp:response", "could not observe an OkHttp response body", t);
      call.onClosedEarly();
      return response;
    }
  }

  private static Response fromCache(Request request, CachedResponse hit, LlmCall call) {
    Headers.Builder headers = new Headers.Builder();
    String contentType = null;
    for (Map.Entry<String, String> h : hit.headers()) {
      try {
        headers.add(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        // a header OkHttp would not accept from the network either: left out
      }
      if (h.getKey().equalsIgnoreCase("content-type")) {
        contentType = h.getValue();
      }
    }
    for (Map.Entry<String, String> e : call.extraResponseHeaders()) {
      headers.set(e.getKey(), e.getValue());
    }
    Headers built = headers.build();
    call.onResponseHead(hit.status(), built::get);
    long now = System.currentTimeMillis();
    ResponseBody body = ResponseBody.create(hit.body(), contentType == null ? null : MediaType.parse(contentType));
    return new Response.Builder()
        .request(request)
        .protocol(Protocol.HTTP_1_1)
        .code(hit.status())
        .message(hit.status() == 200 ? "OK" : "")
        .headers(built)
        .body(new TeeResponseBody(body, call))
        .sentRequestAtMillis(now)
        .receivedResponseAtMillis(now)
        .build();
  }
}
