package dev.tollgate.instrumentation.apache4;

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
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpMessage;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpExecutionAware;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.execchain.ClientExecChain;

/**
 * The adapter for Apache HttpClient 4.5: a {@link ClientExecChain} decorating the protocol
 * execution ({@code HttpClientBuilder.decorateProtocolExec}), so it sits inside the client's own
 * retry, redirect and back-off handlers and outside the protocol interceptors (content
 * decompression included): it sees the request as the app made it and the decoded response.
 *
 * <p>A helper class: compiled against HttpClient 4, defined in the loader that has it.
 */
public final class TollgateClientExec implements ClientExecChain {
  static final int MAX_OBSERVED_BODY = 8 << 20;
  private final ClientExecChain next;

  private TollgateClientExec(ClientExecChain next) {
    this.next = next;
  }

  /** Called from the advice on {@code decorateProtocolExec}'s return; never throws. */
  public static Object wrap(Object exec) {
    try {
      Gateway gateway = Tollgate.gateway();
      if (gateway == null || Tollgate.isSuppressed() || !(exec instanceof ClientExecChain)
          || exec instanceof TollgateClientExec) {
        return exec;
      }
      gateway.warmUp();
      return new TollgateClientExec((ClientExecChain) exec);
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache4:install", "could not add Tollgate to an Apache HttpClient 4; its calls are not observed", t);
      return exec;
    }
  }

  static HeaderLookup lookup(HttpMessage message) {
    return name -> {
      Header h = message.getFirstHeader(name);
      return h == null ? null : h.getValue();
    };
  }

  static int port(String scheme, int port) {
    return port > 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
  }

  static URI absoluteUri(URI uri, HttpHost target) {
    if (uri.isAbsolute() || target == null) {
      return uri;
    }
    String raw = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return URI.create(target.toURI() + raw + query);
  }

  @Override
  public CloseableHttpResponse execute(HttpRoute route, HttpRequestWrapper request, HttpClientContext context,
      HttpExecutionAware execAware) throws IOException, HttpException {
    LlmCall call = null;
    try {
      HttpHost target = request.getTarget() != null ? request.getTarget() : route.getTargetHost();
      URI uri = absoluteUri(request.getURI(), target);
      String host = uri.getHost();
      int port = port(uri.getScheme(), uri.getPort());
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      HeaderLookup headers = lookup(request);
      Endpoint endpoint = Tollgate.recognize(host, port, path, headers);
      if (endpoint != null) {
        Gateway gateway = Tollgate.gateway();
        ControlHeaders.Builder control = ControlHeaders.builder();
        for (Header h : request.getAllHeaders()) {
          control.accept(h.getName(), h.getValue());
        }
        ControlHeaders controls = control.build();
        byte[] body = null;
        if (request instanceof HttpEntityEnclosingRequest) {
          HttpEntityEnclosingRequest enclosing = (HttpEntityEnclosingRequest) request;
          HttpEntity entity = enclosing.getEntity();
          if (entity != null) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            entity.writeTo(buffer);
            body = buffer.toByteArray();
            enclosing.setEntity(copy(body, entity));
          }
        }
        if (controls.any() && !endpoint.observeOnly()) {
          for (Header h : request.getAllHeaders()) {
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
      TollgateLog.warnOnce("apache4:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on Apache HttpClient 4; it goes out untouched", t);
      call = null;
    }
    if (call == null) {
      return next.execute(route, request, context, execAware);
    }
    if (call.hasPolicies()) {
      return Apache4Policies.execute(next, route, request, context, execAware, call);
    }
    CloseableHttpResponse response;
    boolean was = Tollgate.enterHandling();
    try {
      response = next.execute(route, request, context, execAware);
    } catch (IOException | HttpException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
    return Apache4Policies.deliver(response, call);
  }

  /** Sets the trace headers ({@code tollgate.propagate}) on the request; without them when they can't be set. */
  static void addTraceHeaders(HttpRequestWrapper request, java.util.List<java.util.Map.Entry<String, String>> traceHeaders) {
    try {
      for (java.util.Map.Entry<String, String> h : traceHeaders) {
        request.setHeader(h.getKey(), h.getValue());
      }
    } catch (RuntimeException e) {
      TollgateLog.warnOnce("apache4:trace-headers", "could not add the trace headers to an LLM request; it goes without them", e);
    }
  }

  /** A repeatable copy of the request body with the original's content type and encoding. */
  static ByteArrayEntity copy(byte[] body, HttpEntity original) {
    ByteArrayEntity copy = new ByteArrayEntity(body);
    if (original != null) {
      copy.setContentType(original.getContentType());
      copy.setContentEncoding(original.getContentEncoding());
    } else {
      copy.setContentType("application/json");
    }
    return copy;
  }
}
