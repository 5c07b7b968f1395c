package dev.tollgate.instrumentation.apache5;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.BlockingAttempts;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.policy.CachedResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.apache.hc.core5.http.support.AbstractRequestBuilder;

/**
 * The HttpClient 5 classic side of the gateway policies: a cache hit answered without a network
 * call; attempts repeated under retry and fallback by calling the rest of the chain again with a
 * fresh copy of the prepared request (as the client's own retry handler does), after consuming
 * and closing the dropped response. Waits happen on the calling thread (the classic client is
 * blocking). A fallback to another host gets a route of its own. A helper class.
 */
final class Apache5Policies {
  private Apache5Policies() {}

  static ClassicHttpResponse execute(ClassicHttpRequest prepared, ExecChain.Scope scope, ExecChain chain, LlmCall call)
      throws IOException, HttpException {
    try {
      CachedResponse hit = call.cachedReply();
      if (hit != null) {
        return fromCache(hit, call);
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5:cache-serve", "could not serve a cached answer; calling the provider", t);
    }
    ClassicHttpResponse response = BlockingAttempts.run(call, new Attempts(prepared, scope, chain));
    return deliver(response, call);
  }

  /** One attempt: the rest of the chain with the plan's request and route. */
  private static final class Attempts implements BlockingAttempts.Transport<ClassicHttpResponse, HttpException> {
    private final ClassicHttpRequest prepared;
    private final ExecChain.Scope scope;
    private final ExecChain chain;

    Attempts(ClassicHttpRequest prepared, ExecChain.Scope scope, ExecChain chain) {
      this.prepared = prepared;
      this.scope = scope;
      this.chain = chain;
    }

    @Override
    public ClassicHttpResponse send(AttemptPlan plan) throws IOException, HttpException {
      ClassicHttpRequest attempt = requestFor(prepared, plan);
      return chain.proceed(attempt, TollgateExecHandler.scopeFor(scope, routeFor(scope.route, plan), attempt));
    }

    @Override
    public int status(ClassicHttpResponse response) {
      return response.getCode();
    }

    @Override
    public HeaderLookup headers(ClassicHttpResponse response) {
      return TollgateExecHandler.lookup(response);
    }

    @Override
    public void discard(ClassicHttpResponse response) {
      Apache5Policies.discard(response);
    }
  }

  private static void discard(ClassicHttpResponse response) {
    try {
      EntityUtils.consume(response.getEntity()); // lets the connection be reused
    } catch (IOException | RuntimeException e) {
      // closed below anyway
    }
    try {
      response.close();
    } catch (IOException | RuntimeException e) {
      // the next attempt does not need it
    }
  }

  private static ClassicHttpRequest requestFor(ClassicHttpRequest prepared, AttemptPlan plan) {
    ClassicRequestBuilder b = ClassicRequestBuilder.copy(prepared);
    if (!plan.isOriginalRequest()) {
      retarget(b, plan);
      HttpEntity original = prepared.getEntity();
      b.setEntity(new ByteArrayEntity(plan.body(),
          fallbackContentType(original == null ? null : original.getContentType())));
    }
    return b.build();
  }

  /** The plan's target and headers on a copy of the prepared request (classic or async); the body is the caller's. */
  static void retarget(AbstractRequestBuilder<?> copy, AttemptPlan plan) {
    copy.setUri(plan.uri());
    for (String name : plan.removedHeaders()) {
      copy.removeHeaders(name);
    }
    plan.headers().forEach(copy::setHeader);
  }

  /** A rewritten body's type: the application's, else JSON (every provider's request format). */
  static ContentType fallbackContentType(String appContentType) {
    return appContentType == null ? ContentType.APPLICATION_JSON : ContentType.parse(appContentType);
  }

  static HttpRoute routeFor(HttpRoute route, AttemptPlan plan) {
    if (plan.isOriginalRequest()) {
      return route;
    }
    URI uri = plan.uri();
    HttpHost current = route.getTargetHost();
    int port = TollgateExecHandler.port(uri.getScheme(), uri.getPort());
    if (uri.getHost().equalsIgnoreCase(current.getHostName())
        && TollgateExecHandler.port(current.getSchemeName(), current.getPort()) == port
        && uri.getScheme().equalsIgnoreCase(current.getSchemeName())) {
      return route;
    }
    return new HttpRoute(new HttpHost(uri.getScheme(), uri.getHost(), port), null,
        "https".equalsIgnoreCase(uri.getScheme()));
  }

  static ClassicHttpResponse deliver(ClassicHttpResponse response, LlmCall call) {
    try {
      announce(response, call, true); // the classic handler sits outside decompression: the body is decoded
      HttpEntity entity = response.getEntity();
      if (entity == null) {
        call.onComplete();
        return response;
      }
      response.setEntity(new TeeEntity(entity, call));
      return response;
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5:response", "could not observe an Apache HttpClient 5 response body", t);
      call.onClosedEarly();
      return response;
    }
  }

  /**
   * Tells the call the head of the response the application is about to get (with every header
   * when the cache will store it), then adds Tollgate's headers ({@code Tollgate-Cache}...) to it.
   * {@code storable} false: the body is not stored whatever the policy (see {@link TeeCallback}).
   */
  static void announce(HttpResponse response, LlmCall call, boolean storable) {
    List<Map.Entry<String, String>> all = null;
    if (storable && call.wantsResponseHeaders()) {
      Header[] headers = response.getHeaders();
      all = new ArrayList<>(headers.length);
      for (Header h : headers) {
        all.add(Map.entry(h.getName(), h.getValue()));
      }
    }
    call.onResponseHead(response.getCode(), TollgateExecHandler.lookup(response), all);
    for (Map.Entry<String, String> e : call.extraResponseHeaders()) {
      response.setHeader(e.getKey(), e.getValue());
    }
  }

  /** Puts a cached answer's headers on {@code response}; returns its body's content type, or null. */
  static ContentType cachedHead(HttpResponse response, CachedResponse hit) {
    String contentType = null;
    for (Map.Entry<String, String> h : hit.headers()) {
      response.addHeader(h.getKey(), h.getValue());
      if (h.getKey().equalsIgnoreCase("content-type")) {
        contentType = h.getValue();
      }
    }
    return contentType == null ? null : ContentType.parse(contentType);
  }

  private static ClassicHttpResponse fromCache(CachedResponse hit, LlmCall call) {
    BasicClassicHttpResponse response = new BasicClassicHttpResponse(hit.status(), hit.status() == 200 ? "OK" : null);
    ContentType type = cachedHead(response, hit);
    announce(response, call, true);
    response.setEntity(new TeeEntity(new ByteArrayEntity(hit.body(), type), call));
    return response;
  }
}
