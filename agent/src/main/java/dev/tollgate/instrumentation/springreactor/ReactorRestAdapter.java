package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.BlockingAttempts;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.policy.CachedResponse;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import reactor.netty.http.client.HttpClient;

/**
 * The adapter for Spring's blocking request over Reactor Netty ({@code ReactorClientHttpRequest},
 * made by {@code ReactorClientHttpRequestFactory} for {@code RestClient} / {@code RestTemplate}):
 * what the advice on its {@code executeInternal(HttpHeaders, Body)} calls, on the application's
 * own thread, which blocks for the answer anyway.
 *
 * <p>The body is written once into a byte array; each attempt is a fresh request from a
 * {@code ReactorClientHttpRequestFactory} over the application's own Reactor Netty
 * {@code HttpClient} (its pool, timeouts and TLS settings), executed under
 * {@link Tollgate#enterHandling} so the advice lets it through. Attempts follow
 * {@link BlockingAttempts}: a wait between them is on this (the caller's) thread, never on an
 * event loop. A helper class, defined in the loader that has Spring.
 */
public final class ReactorRestAdapter {
  private ReactorRestAdapter() {}

  /**
   * Called from the advice; never throws. Returns the response to give the application, the
   * exception to throw to it (the call failed as the client would have failed), or null to run
   * the original method untouched.
   */
  public static Object execute(Object request, Object httpClient, Object headersArg, Object bodyArg) {
    ClientHttpRequest original;
    HttpHeaders headers;
    URI uri;
    Endpoint endpoint;
    try {
      if (!(request instanceof ClientHttpRequest) || !(httpClient instanceof HttpClient)
          || !(headersArg instanceof HttpHeaders)) {
        return null;
      }
      original = (ClientHttpRequest) request;
      headers = (HttpHeaders) headersArg;
      uri = original.getURI();
      if (uri.getHost() == null) {
        return null;
      }
      endpoint = Tollgate.recognize(uri.getHost(), OutgoingRequests.port(uri), OutgoingRequests.path(uri), headers::getFirst);
      if (endpoint == null) {
        return null;
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-rest:recognize:" + t.getClass().getName(),
          "could not look at a Spring RestClient request over Reactor Netty; it goes out untouched", t);
      return null;
    }
    byte[] body = null;
    if (bodyArg instanceof StreamingHttpOutputMessage.Body) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        ((StreamingHttpOutputMessage.Body) bodyArg).writeTo(out);
        body = out.toByteArray();
      } catch (Throwable t) {
        return t; // the application's own body failed to write: as it would have without Tollgate
      }
    }
    Attempts attempts = new Attempts((HttpClient) httpClient, original.getMethod(), uri, headers, body);
    LlmCall call;
    try {
      Gateway gateway = Tollgate.gateway();
      gateway.warmUp();
      ControlHeaders.Builder control = ControlHeaders.builder();
      headers.forEach((name, values) -> values.forEach(v -> control.accept(name, v)));
      ControlHeaders controls = control.build();
      attempts.dropControlHeaders = controls.any() && !endpoint.observeOnly();
      byte[] observed = body != null && body.length <= ReactorConnectAdapter.MAX_OBSERVED_BODY ? body : new byte[0];
      HeaderLookup lookup = headers::getFirst;
      call = gateway.start(endpoint, uri, uri.getHost(), OutgoingRequests.port(uri), OutgoingRequests.path(uri), controls,
          lookup, observed);
      attempts.traceHeaders = call.traceHeaders(lookup);
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-rest:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on Spring RestClient; it goes out untouched", t);
      attempts.dropControlHeaders = false;
      return sendUnobserved(attempts);
    }
    try {
      if (call.hasPolicies()) {
        CachedResponse hit = call.cachedReply();
        if (hit != null) {
          return fromCache(hit, call);
        }
        return deliver(BlockingAttempts.run(call, attempts), call);
      }
      ClientHttpResponse response;
      boolean was = Tollgate.enterHandling();
      try {
        response = attempts.send(null);
      } catch (Throwable e) {
        call.onError(e);
        return e;
      } finally {
        Tollgate.exitHandling(was);
      }
      return deliver(response, call);
    } catch (Throwable e) {
      return e; // BlockingAttempts ended the call with it
    }
  }

  private static Object sendUnobserved(Attempts attempts) {
    boolean was = Tollgate.enterHandling();
    try {
      return attempts.send(null);
    } catch (Throwable e) {
      return e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  private static ClientHttpResponse deliver(ClientHttpResponse response, LlmCall call) {
    try {
      HttpHeaders headers = response.getHeaders();
      List<Map.Entry<String, String>> all = call.wantsResponseHeaders() ? OutgoingRequests.entries(headers) : null;
      call.onResponseHead(response.getStatusCode().value(), headers::getFirst, all);
      List<Map.Entry<String, String>> extra = call.extraResponseHeaders();
      return new TeeRestResponse(response.getStatusCode(), response.getStatusText(),
          extra.isEmpty() ? headers : OutgoingRequests.withExtra(headers, extra), response, call);
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-rest:response", "could not observe a Spring RestClient response body", t);
      call.onClosedEarly();
      return response;
    }
  }

  private static ClientHttpResponse fromCache(CachedResponse hit, LlmCall call) {
    HttpHeaders h = new HttpHeaders();
    for (Map.Entry<String, String> e : hit.headers()) {
      h.add(e.getKey(), e.getValue());
    }
    h.setContentLength(hit.body().length);
    HttpHeaders headers = OutgoingRequests.withExtra(h, call.extraResponseHeaders());
    call.onResponseHead(hit.status(), headers::getFirst);
    return new TeeRestResponse(HttpStatusCode.valueOf(hit.status()), hit.status() == 200 ? "OK" : "", headers,
        new ByteArrayInputStream(hit.body()), call);
  }

  /** One attempt: a fresh request over the application's HttpClient. */
  static final class Attempts implements BlockingAttempts.Transport<ClientHttpResponse, RuntimeException> {
    private final HttpClient httpClient;
    private final HttpMethod method;
    private final URI uri;
    private final HttpHeaders headers;
    private final byte[] body;
    boolean dropControlHeaders;
    /** Added to every attempt ({@code tollgate.propagate}); empty by default. */
    List<Map.Entry<String, String>> traceHeaders = List.of();

    Attempts(HttpClient httpClient, HttpMethod method, URI uri, HttpHeaders headers, byte[] body) {
      this.httpClient = httpClient;
      this.method = method;
      this.uri = uri;
      this.headers = headers;
      this.body = body;
    }

    /** {@code plan} null: the application's request as it is (control headers dropped when handled). */
    @Override
    public ClientHttpResponse send(AttemptPlan plan) throws IOException {
      boolean original = plan == null || plan.isOriginalRequest();
      byte[] out = original ? body : plan.body();
      ClientHttpRequest request = new ReactorClientHttpRequestFactory(httpClient)
          .createRequest(original ? uri : plan.uri(), method);
      OutgoingRequests.copyHeaders(headers, request.getHeaders(), dropControlHeaders, traceHeaders, plan, out);
      if (out != null) {
        request.getBody().write(out);
      }
      return request.execute();
    }

    @Override
    public int status(ClientHttpResponse response) {
      try {
        return response.getStatusCode().value();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public HeaderLookup headers(ClientHttpResponse response) {
      return response.getHeaders()::getFirst;
    }

    @Override
    public void discard(ClientHttpResponse response) {
      try (InputStream in = response.getBody()) {
        in.readAllBytes();
      } catch (Throwable t) {
        // dropped anyway
      } finally {
        response.close();
      }
    }
  }
}
