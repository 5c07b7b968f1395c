package dev.tollgate.instrumentation.apache5;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The adapter for Apache HttpClient 5 classic: an {@link ExecChainHandler} added to every
 * client's execution chain when {@code HttpClientBuilder.build()} runs, right inside the
 * client's own retry stage (see {@link #retriesEnabled}), so it sees the request as the
 * application made it (Helicone headers included), before protocol interceptors and content
 * decompression, and sees the decoded response.
 *
 * <p>A helper class: compiled against HttpClient 5, defined in the loader that has it.
 */
public final class TollgateExecHandler implements ExecChainHandler {
  static final String NAME = "tollgate";
  static final TollgateExecHandler INSTANCE = new TollgateExecHandler();
  static final int MAX_OBSERVED_BODY = 8 << 20;
  private static final Set<Object> INSTALLED = Collections.newSetFromMap(new WeakHashMap<>());

  private TollgateExecHandler() {}

  /** Called from the advice on {@code HttpClientBuilder.build()}; never throws. */
  public static void installOn(Object builder) {
    try {
      Gateway gateway = Tollgate.gateway();
      if (gateway == null || Tollgate.isSuppressed() || !(builder instanceof HttpClientBuilder)) {
        return;
      }
      synchronized (INSTALLED) {
        if (!INSTALLED.add(builder)) {
          return; // build() called again on the same builder
        }
      }
      if (retriesEnabled(builder)) {
        ((HttpClientBuilder) builder).addExecInterceptorAfter(ChainElement.RETRY.name(), NAME, INSTANCE);
      } else {
        ((HttpClientBuilder) builder).addExecInterceptorFirst(NAME, INSTANCE);
      }
      gateway.warmUp();
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5:install", "could not add Tollgate to an Apache HttpClient 5; its calls are not observed", t);
    }
  }

  /**
   * Where the handler goes: right inside the client's own retry stage when there is one (as a
   * gateway proxy would sit: the client's retries see what the gateway's policies delivered,
   * and each of them is a call of its own), else first. Either way outside content
   * decompression, protocol interceptors and the transport. A builder with automatic retries
   * disabled has no retry stage, and one added "after" a missing stage would be dropped.
   */
  static boolean retriesEnabled(Object builder) {
    try {
      java.lang.reflect.Field f = builder.getClass().getDeclaredField("automaticRetriesDisabled");
      f.setAccessible(true);
      return !f.getBoolean(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** A copy of the request as it is now: the scope's original, which the chain copies again for its own repeats. */
  static ExecChain.Scope scopeFor(ExecChain.Scope scope, org.apache.hc.client5.http.HttpRoute route, ClassicHttpRequest request) {
    return new ExecChain.Scope(scope.exchangeId, route, ClassicRequestBuilder.copy(request).build(), scope.execRuntime,
        scope.clientContext);
  }

  static HeaderLookup lookup(HttpMessage message) {
    return name -> {
      Header h = message.getFirstHeader(name);
      return h == null ? null : h.getValue();
    };
  }

  /** The request's absolute URI (a request sent with a separate HttpHost has a relative one). */
  static URI absoluteUri(URI uri, HttpHost target) {
    if (uri.isAbsolute() || target == null) {
      return uri;
    }
    String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return URI.create(target.toURI() + raw + query);
  }

  /** Sets the trace headers ({@code tollgate.propagate}) on the request; without them when they can't be set. */
  static void addTraceHeaders(HttpMessage request, java.util.List<java.util.Map.Entry<String, String>> traceHeaders) {
    try {
      for (java.util.Map.Entry<String, String> h : traceHeaders) {
        request.setHeader(h.getKey(), h.getValue());
      }
    } catch (RuntimeException e) {
      TollgateLog.warnOnce("apache5:trace-headers", "could not add the trace headers to an LLM request; it goes without them", e);
    }
  }

  static int port(String scheme, int port) {
    return port > 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  @Override
  public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    LlmCall call = null;
    try {
      HttpHost target = scope.route.getTargetHost();
      URI uri = absoluteUri(request.getUri(), target);
      String host = uri.getHost();
      int port = port(uri.getScheme(), uri.getPort());
      String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
      HeaderLookup headers = lookup(request);
      Endpoint endpoint = Tollgate.recognize(host, port, path, headers);
      if (endpoint != null) {
        Gateway gateway = Tollgate.gateway();
        ControlHeaders.Builder control = ControlHeaders.builder();
        for (Header h : request.getHeaders()) {
          control.accept(h.getName(), h.getValue());
        }
        ControlHeaders controls = control.build();
        byte[] body = null;
        HttpEntity entity = request.getEntity();
        if (entity != null) {
          ByteArrayOutputStream buffer = new ByteArrayOutputStream();
          entity.writeTo(buffer);
          body = buffer.toByteArray();
          ContentType type = entity.getContentType() == null ? null : ContentType.parse(entity.getContentType());
          request.setEntity(new ByteArrayEntity(body, type, entity.getContentEncoding()));
        }
        if (controls.any() && !endpoint.observeOnly()) {
          for (Header h : request.getHeaders()) {
            if (ControlHeaders.isControlHeader(h.getName())) {
              request.removeHeaders(h.getName());
            }
          }
        }
        byte[] observed = body != null && body.length <= MAX_OBSERVED_BODY ? body : new byte[0];
        call = gateway.start(endpoint, uri, host, port, path, controls, headers, observed);
        // every attempt is a copy of this request: the trace headers are added once, here
        addTraceHeaders(request, call.traceHeaders(headers));
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on Apache HttpClient 5; it goes out untouched", t);
      call = null;
    }
    if (call == null) {
      return chain.proceed(request, scope);
    }
    if (call.hasPolicies()) {
      return Apache5Policies.execute(request, scope, chain, call);
    }
    ClassicHttpResponse response;
    boolean was = Tollgate.enterHandling();
    try {
      // the scope's original request is what redirects and the client's own retries copy: ours
      response = chain.proceed(request, scopeFor(scope, scope.route, request));
    } catch (IOException | HttpException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
    return Apache5Policies.deliver(response, call);
  }
}
