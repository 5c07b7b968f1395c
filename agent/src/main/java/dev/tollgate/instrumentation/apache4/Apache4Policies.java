package dev.tollgate.instrumentation.apache4;

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
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.message.BasicHttpEntityEnclosingRequest;
import org.apache.http.util.EntityUtils;

/**
 * The HttpClient 4 side of the gateway policies: a cache hit answered without a network call;
 * attempts repeated under retry and fallback, each with a fresh request wrapper carrying the
 * prepared headers (the protocol stage adds its own headers to the wrapper it is given, and
 * takes the URI from the wrapped request, so a wrapper is never sent twice). Waits happen on the
 * calling thread. A fallback to another host gets a route of its own. A helper class.
 */
final class Apache4Policies {
  private Apache4Policies() {}

  static CloseableHttpResponse execute(org.apache.http.impl.execchain.ClientExecChain next, HttpRoute route,
      HttpRequestWrapper prepared, HttpClientContext context, HttpExecutionAware execAware, LlmCall call)
      throws IOException, HttpException {
    try {
      CachedResponse hit = call.cachedReply();
      if (hit != null) {
        return fromCache(hit, call);
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache4:cache-serve", "could not serve a cached answer; calling the provider", t);
    }
    Header[] headers = prepared.getAllHeaders();
    HttpEntity entity = prepared instanceof HttpEntityEnclosingRequest
        ? ((HttpEntityEnclosingRequest) prepared).getEntity() : null;
    CloseableHttpResponse response = BlockingAttempts.run(call, new Attempts(next, route, prepared, headers, entity,
        context, execAware));
    return deliver(response, call);
  }

  /** One attempt: the rest of the exec chain with the plan's request and route. */
  private static final class Attempts implements BlockingAttempts.Transport<CloseableHttpResponse, HttpException> {
    private final org.apache.http.impl.execchain.ClientExecChain next;
    private final HttpRoute route;
    private final HttpRequestWrapper prepared;
    private final Header[] headers;
    private final HttpEntity entity;
    private final HttpClientContext context;
    private final HttpExecutionAware execAware;

    Attempts(org.apache.http.impl.execchain.ClientExecChain next, HttpRoute route, HttpRequestWrapper prepared,
        Header[] headers, HttpEntity entity, HttpClientContext context, HttpExecutionAware execAware) {
      this.next = next;
      this.route = route;
      this.prepared = prepared;
      this.headers = headers;
      this.entity = entity;
      this.context = context;
      this.execAware = execAware;
    }

    @Override
    public CloseableHttpResponse send(AttemptPlan plan) throws IOException, HttpException {
      return next.execute(routeFor(route, plan), requestFor(prepared, headers, entity, plan), context, execAware);
    }

    @Override
    public int status(CloseableHttpResponse response) {
      return response.getStatusLine().getStatusCode();
    }

    @Override
    public HeaderLookup headers(CloseableHttpResponse response) {
      return TollgateClientExec.lookup(response);
    }

    @Override
    public void discard(CloseableHttpResponse response) {
      EntityUtils.consumeQuietly(response.getEntity());
      try {
        response.close();
      } catch (IOException | RuntimeException e) {
        // the next attempt does not need it
      }
    }
  }

  private static HttpRequestWrapper requestFor(HttpRequestWrapper prepared, Header[] headers, HttpEntity entity,
      AttemptPlan plan) {
    HttpRequestWrapper w;
    if (plan.isOriginalRequest()) {
      w = HttpRequestWrapper.wrap(prepared.getOriginal(), prepared.getTarget());
      w.setURI(prepared.getURI());
      w.setHeaders(headers);
      if (w instanceof HttpEntityEnclosingRequest && entity != null) {
        ((HttpEntityEnclosingRequest) w).setEntity(TollgateClientExec.copy(plan.body(), entity));
      }
      return w;
    }
    URI uri = plan.uri();
    BasicHttpEntityEnclosingRequest request = new BasicHttpEntityEnclosingRequest(
        prepared.getRequestLine().getMethod(), uri.toString(), prepared.getProtocolVersion());
    w = HttpRequestWrapper.wrap(request, targetOf(uri));
    w.setHeaders(headers);
    for (String name : plan.removedHeaders()) {
      w.removeHeaders(name);
    }
    plan.headers().forEach(w::setHeader);
    ((HttpEntityEnclosingRequest) w).setEntity(TollgateClientExec.copy(plan.body(), entity));
    return w;
  }

  private static HttpHost targetOf(URI uri) {
    return new HttpHost(uri.getHost(), TollgateClientExec.port(uri.getScheme(), uri.getPort()), uri.getScheme());
  }

  private static HttpRoute routeFor(HttpRoute route, AttemptPlan plan) {
    if (plan.isOriginalRequest()) {
      return route;
    }
    HttpHost wanted = targetOf(plan.uri());
    HttpHost current = route.getTargetHost();
    if (wanted.getHostName().equalsIgnoreCase(current.getHostName())
        && wanted.getPort() == TollgateClientExec.port(current.getSchemeName(), current.getPort())
        && wanted.getSchemeName().equalsIgnoreCase(current.getSchemeName())) {
      return route;
    }
    return new HttpRoute(wanted, null, "https".equalsIgnoreCase(wanted.getSchemeName()));
  }

  static CloseableHttpResponse deliver(CloseableHttpResponse response, LlmCall call) {
    try {
      List<Map.Entry<String, String>> all = null;
      if (call.wantsResponseHeaders()) {
        Header[] headers = response.getAllHeaders();
        all = new ArrayList<>(headers.length);
        for (Header h : headers) {
          all.add(Map.entry(h.getName(), h.getValue()));
        }
      }
      int status = response.getStatusLine().getStatusCode();
      call.onResponseHead(status, TollgateClientExec.lookup(response), all);
      for (Map.Entry<String, String> e : call.extraResponseHeaders()) {
        response.setHeader(e.getKey(), e.getValue());
      }
      HttpEntity entity = response.getEntity();
      if (entity == null) {
        call.onComplete();
        return response;
      }
      response.setEntity(new TeeEntity(entity, call));
      return new ClosingResponse(response, call);
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache4:response", "could not observe an Apache HttpClient 4 response body", t);
      call.onClosedEarly();
      return response;
    }
  }

  private static CloseableHttpResponse fromCache(CachedResponse hit, LlmCall call) {
    CachedHttpResponse response = new CachedHttpResponse(hit.status(), call);
    String contentType = null;
    for (Map.Entry<String, String> h : hit.headers()) {
      response.addHeader(h.getKey(), h.getValue());
      if (h.getKey().equalsIgnoreCase("content-type")) {
        contentType = h.getValue();
      }
    }
    for (Map.Entry<String, String> e : call.extraResponseHeaders()) {
      response.setHeader(e.getKey(), e.getValue());
    }
    call.onResponseHead(hit.status(), TollgateClientExec.lookup(response));
    ByteArrayEntity body = new ByteArrayEntity(hit.body());
    if (contentType != null) {
      body.setContentType(contentType);
    }
    response.setEntity(new TeeEntity(body, call));
    return response;
  }
}
