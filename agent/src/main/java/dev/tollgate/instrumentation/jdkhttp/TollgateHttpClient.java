package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.ApplicationSpanScope;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import dev.tollgate.policy.CachedResponse;
import java.util.Locale;

/**
 * The {@link HttpClient} applications get from {@code HttpClient.newHttpClient()} /
 * {@code HttpClient.newBuilder().build()} under the agent: a delegate that hands LLM calls
 * to the pipeline and every other request straight to the JDK's client.
 *
 * <p>Why a wrapper and not advice on {@code send}: the JDK client has no interceptor API,
 * and the wrapper is the smallest seam that sees the request before it is sent and the
 * response body as it flows, for {@code send} and {@code sendAsync} alike, with any body
 * handler. Loaded by the bootstrap class loader, as java.net.http only sees that one.
 */
public final class TollgateHttpClient extends HttpClient {
  private static final long BODY_WAIT_SECONDS = 30;
  private static final int MAX_OBSERVED_BODY = 8 << 20;

  private final HttpClient delegate;

  private TollgateHttpClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  /** Called from the advice on {@code HttpClientBuilderImpl.build()}; never throws. */
  public static HttpClient wrap(HttpClient client) {
    Gateway gateway = Tollgate.gateway();
    if (client == null || client instanceof TollgateHttpClient || gateway == null || Tollgate.isSuppressed()) {
      return client;
    }
    gateway.warmUp();
    return new TollgateHttpClient(client);
  }

  // ---- the two calls that matter

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Recognized r = recognize(request);
    Prepared p = r == null ? null : r.prepare(r.bodyNow(BODY_WAIT_SECONDS));
    if (p == null) {
      return delegate.send(request, handler);
    }
    if (p.call.hasPolicies()) {
      return sendWithPolicies(p, handler);
    }
    boolean was = Tollgate.enterHandling();
    try (ApplicationSpanScope inCallSpan = p.call.enterApplicationSpan()) {
      return delegate.send(p.request, new TeeBodyHandler<>(handler, p.call));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      p.call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  /**
   * Cache, retry and fallback on a blocking call: the application's thread waits between
   * attempts, as it was already waiting for the answer.
   */
  private <T> HttpResponse<T> sendWithPolicies(Prepared p, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    LlmCall call = p.call;
    try {
      CachedResponse hit = call.cachedReply();
      if (hit != null) {
        return PolicyResponses.serve(p.request, hit, handler, call);
      }
    } catch (Exception e) {
      TollgateLog.warnOnce("jdkhttp:cache-serve", "could not serve a cached answer; calling the provider", e);
    }
    AttemptPlan plan = call.firstAttempt();
    boolean was = Tollgate.enterHandling();
    try {
      while (true) {
        if (plan.delayMillis() > 0) {
          Thread.sleep(plan.delayMillis());
        }
        AttemptHandler<T> attempt = new AttemptHandler<>(handler, call);
        HttpResponse<T> response;
        try (ApplicationSpanScope inCallSpan = call.enterApplicationSpan()) {
          response = delegate.send(p.requestFor(plan), attempt);
        } catch (IOException e) {
          AttemptPlan next = call.afterFailure(e);
          if (next == null) {
            throw e;
          }
          plan = next;
          continue;
        }
        if (attempt.next() != null) {
          plan = attempt.next();
          continue;
        }
        return PolicyResponses.Response.augment(response, call.extraResponseHeaders());
      }
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  /**
   * Cache, retry and fallback on an asynchronous call: waits between attempts are scheduled
   * (a delayed executor), never slept on the client's threads.
   */
  private <T> CompletableFuture<HttpResponse<T>> sendAsyncWithPolicies(Prepared p, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    try {
      CachedResponse hit = p.call.cachedReply();
      if (hit != null) {
        return CompletableFuture.completedFuture(PolicyResponses.serve(p.request, hit, handler, p.call));
      }
    } catch (Exception e) {
      TollgateLog.warnOnce("jdkhttp:cache-serve", "could not serve a cached answer; calling the provider", e);
    }
    return attemptAsync(p, p.call.firstAttempt(), handler, pushPromiseHandler);
  }

  private <T> CompletableFuture<HttpResponse<T>> attemptAsync(Prepared p, AttemptPlan plan,
      HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return new AsyncAttempts<>(delegate, p.request, p.call, handler, pushPromiseHandler).run(plan);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return sendAsync(request, handler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    Recognized r = recognize(request);
    if (r == null) {
      return sendAsyncUntouched(request, handler, pushPromiseHandler);
    }
    if (r.body != null && !r.body.isDone()) {
      // an asynchronous body publisher (Spring's JdkClientHttpRequestFactory and
      // JdkClientHttpConnector send every body this way): it was subscribed to once already, so
      // the request can only go out with the collected bytes; nothing blocks the calling thread
      return r.body.handle(new BodyOrNull()).thenCompose(new SendWhenBodyRead<>(this, r, handler, pushPromiseHandler));
    }
    Prepared p = r.prepare(r.bodyNow(0));
    return p == null ? sendAsyncUntouched(request, handler, pushPromiseHandler)
        : sendAsyncHandled(p, handler, pushPromiseHandler);
  }

  /*
   * The steps after an asynchronous body was read, as plain classes rather than lambdas: this
   * class lives in the platform class loader, where a lambda capturing this HttpClient subclass
   * fails to link (NoClassDefFoundError: java/net/http/HttpClient; see AsyncAttempts).
   */

  /** The collected body, or null when reading it failed. */
  private static final class BodyOrNull implements BiFunction<byte[], Throwable, byte[]> {
    @Override
    public byte[] apply(byte[] bytes, Throwable error) {
      return bytes;
    }
  }

  /** Sends the call once its body is read: handled, or untouched with the same bytes. */
  private static final class SendWhenBodyRead<T> implements Function<byte[], CompletionStage<HttpResponse<T>>> {
    private final TollgateHttpClient client;
    private final Recognized recognized;
    private final HttpResponse.BodyHandler<T> handler;
    private final HttpResponse.PushPromiseHandler<T> pushPromiseHandler;

    SendWhenBodyRead(TollgateHttpClient client, Recognized recognized, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
      this.client = client;
      this.recognized = recognized;
      this.handler = handler;
      this.pushPromiseHandler = pushPromiseHandler;
    }

    @Override
    public CompletionStage<HttpResponse<T>> apply(byte[] bytes) {
      Prepared p = bytes == null ? null : recognized.prepare(bytes);
      if (p != null) {
        return client.sendAsyncHandled(p, handler, pushPromiseHandler);
      }
      HttpRequest request = recognized.original;
      HttpRequest untouched = bytes == null ? request : HttpRequest.newBuilder(request, KeepEveryHeader.INSTANCE)
          .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
      return client.sendAsyncUntouched(untouched, handler, pushPromiseHandler);
    }
  }

  private static final class KeepEveryHeader implements java.util.function.BiPredicate<String, String> {
    static final KeepEveryHeader INSTANCE = new KeepEveryHeader();

    @Override
    public boolean test(String name, String value) {
      return true;
    }
  }

  private <T> CompletableFuture<HttpResponse<T>> sendAsyncUntouched(HttpRequest request,
      HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return pushPromiseHandler == null ? delegate.sendAsync(request, handler)
        : delegate.sendAsync(request, handler, pushPromiseHandler);
  }

  private <T> CompletableFuture<HttpResponse<T>> sendAsyncHandled(Prepared p, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    if (p.call.hasPolicies()) {
      return sendAsyncWithPolicies(p, handler, pushPromiseHandler);
    }
    CompletableFuture<HttpResponse<T>> cf;
    boolean was = Tollgate.enterHandling();
    try (ApplicationSpanScope inCallSpan = p.call.enterApplicationSpan()) {
      cf = sendAsyncUntouched(p.request, new TeeBodyHandler<>(handler, p.call), pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      p.call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
    // a side branch: the application keeps the client's own future (cancel still reaches it)
    cf.whenComplete((response, error) -> {
      if (error != null) {
        p.call.onError(error);
      }
    });
    return cf;
  }

  static final class Prepared {
    final HttpRequest request;
    final LlmCall call;

    Prepared(HttpRequest request, LlmCall call) {
      this.request = request;
      this.call = call;
    }

    /** The request of an attempt: the prepared one, or a copy with the plan's target, body and headers. */
    HttpRequest requestFor(AttemptPlan plan) {
      return requestFor(request, plan);
    }

    static HttpRequest requestFor(HttpRequest request, AttemptPlan plan) {
      if (plan.isOriginalRequest()) {
        return request;
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) ->
          !plan.removedHeaders().contains(name.toLowerCase(Locale.ROOT))
              && plan.headers().keySet().stream().noneMatch(name::equalsIgnoreCase));
      b.uri(plan.uri());
      b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(plan.body()));
      plan.headers().forEach(b::header);
      return b.build();
    }
  }

  /**
   * Null when the request is not an LLM call or anything goes wrong (then the application's
   * request goes out exactly as it was). Reading the body starts here: the JDK's own
   * publishers deliver at once; another publisher may complete later.
   */
  private static Recognized recognize(HttpRequest request) {
    try {
      URI uri = request.uri();
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      Endpoint endpoint = Tollgate.recognize(uri.getHost(), uri.getPort(), path,
          name -> request.headers().firstValue(name).orElse(null));
      if (endpoint == null) {
        return null;
      }
      ControlHeaders.Builder control = ControlHeaders.builder();
      for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
        if (!h.getValue().isEmpty()) {
          control.accept(h.getKey(), h.getValue().get(0));
        }
      }
      Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
      CompletableFuture<byte[]> body = publisher.isPresent() ? BodyCollector.collect(publisher.get()) : null;
      return new Recognized(request, endpoint, control.build(), path, body);
    } catch (Throwable t) {
      TollgateLog.warnOnce("jdkhttp:recognize:" + t.getClass().getName(),
          "could not prepare an LLM call on java.net.http.HttpClient; it goes out untouched", t);
      return null;
    }
  }

  /** An LLM request whose body is being read. */
  private static final class Recognized {
    final HttpRequest original;
    final Endpoint endpoint;
    final ControlHeaders controls;
    final String path;
    final CompletableFuture<byte[]> body;

    Recognized(HttpRequest original, Endpoint endpoint, ControlHeaders controls, String path,
        CompletableFuture<byte[]> body) {
      this.original = original;
      this.endpoint = endpoint;
      this.controls = controls;
      this.path = path;
      this.body = body;
    }

    /** The body, waiting up to {@code seconds} for it; null when there is none (or it failed). */
    byte[] bodyNow(long seconds) {
      if (body == null) {
        return null;
      }
      try {
        return seconds > 0 ? body.get(seconds, TimeUnit.SECONDS) : body.getNow(null);
      } catch (Exception e) {
        return null;
      }
    }

    /**
     * The request as it leaves the JVM (the body as a repeatable copy, control headers
     * dropped) and its call; null when it can't be built, so the caller sends the original.
     */
    Prepared prepare(byte[] bytes) {
      try {
        if (body != null && bytes == null) {
          TollgateLog.warnOnce("jdkhttp:body", "the body of an LLM request could not be read; "
              + "such calls go out untouched and unobserved");
          return null;
        }
        HttpRequest out = request(bytes);
        URI uri = original.uri();
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        byte[] observed = bytes != null && bytes.length <= MAX_OBSERVED_BODY ? bytes : new byte[0];
        HeaderLookup originalHeaders = name -> original.headers().firstValue(name).orElse(null);
        LlmCall call = Tollgate.gateway().start(endpoint, uri, uri.getHost(), port, path, controls,
            originalHeaders, observed);
        // every attempt is a copy of this request: the trace headers are added once, here
        return new Prepared(withTraceHeaders(out, call.traceHeaders(originalHeaders)), call);
      } catch (Throwable t) {
        TollgateLog.warnOnce("jdkhttp:prepare:" + t.getClass().getName(),
            "could not prepare an LLM call on java.net.http.HttpClient; it goes out untouched", t);
        return null;
      }
    }

    private HttpRequest request(byte[] bytes) {
      boolean strip = controls.any() && !endpoint.observeOnly();
      HttpRequest.Builder b = HttpRequest.newBuilder(original, (name, value) -> !strip || !ControlHeaders.isControlHeader(name));
      if (bytes != null) {
        b.method(original.method(), HttpRequest.BodyPublishers.ofByteArray(bytes));
      }
      return b.build();
    }

    /** {@code request} plus the trace headers ({@code tollgate.propagate}); {@code request} itself when there are none or they can't be set. */
    private static HttpRequest withTraceHeaders(HttpRequest request, List<Map.Entry<String, String>> traceHeaders) {
      if (traceHeaders.isEmpty()) {
        return request;
      }
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(request, KeepEveryHeader.INSTANCE);
        for (Map.Entry<String, String> h : traceHeaders) {
          b.setHeader(h.getKey(), h.getValue());
        }
        return b.build();
      } catch (RuntimeException e) {
        TollgateLog.warnOnce("jdkhttp:trace-headers", "could not add the trace headers to an LLM request; it goes without them", e);
        return request;
      }
    }
  }

  // ---- plain delegation

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }

  // ---- Java 21+ lifecycle methods (absent on 17): delegated through handles resolved once

  private static final MethodHandle SHUTDOWN = find("shutdown", MethodType.methodType(void.class));
  private static final MethodHandle SHUTDOWN_NOW = find("shutdownNow", MethodType.methodType(void.class));
  private static final MethodHandle IS_TERMINATED = find("isTerminated", MethodType.methodType(boolean.class));
  private static final MethodHandle AWAIT_TERMINATION =
      find("awaitTermination", MethodType.methodType(boolean.class, Duration.class));
  private static final MethodHandle CLOSE = find("close", MethodType.methodType(void.class));

  private static MethodHandle find(String name, MethodType type) {
    try {
      return MethodHandles.publicLookup().findVirtual(HttpClient.class, name, type);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  public void shutdown() {
    invokeVoid(SHUTDOWN);
  }

  public void shutdownNow() {
    invokeVoid(SHUTDOWN_NOW);
  }

  public void close() {
    invokeVoid(CLOSE);
  }

  public boolean isTerminated() {
    if (IS_TERMINATED == null) {
      throw new UnsupportedOperationException();
    }
    try {
      return (boolean) IS_TERMINATED.invokeExact(delegate);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public boolean awaitTermination(Duration duration) throws InterruptedException {
    if (AWAIT_TERMINATION == null) {
      throw new UnsupportedOperationException();
    }
    try {
      return (boolean) AWAIT_TERMINATION.invokeExact(delegate, duration);
    } catch (RuntimeException | Error | InterruptedException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private void invokeVoid(MethodHandle mh) {
    if (mh == null) {
      throw new UnsupportedOperationException();
    }
    try {
      mh.invokeExact(delegate);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
