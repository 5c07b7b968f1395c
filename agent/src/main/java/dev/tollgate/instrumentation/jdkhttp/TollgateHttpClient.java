package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

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
    Prepared p = prepare(request, true);
    if (p == null) {
      return delegate.send(request, handler);
    }
    boolean was = Tollgate.enterHandling();
    try {
      return delegate.send(p.request, new TeeBodyHandler<>(handler, p.call));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      p.call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return sendAsync(request, handler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    Prepared p = prepare(request, false);
    if (p == null) {
      return pushPromiseHandler == null ? delegate.sendAsync(request, handler)
          : delegate.sendAsync(request, handler, pushPromiseHandler);
    }
    CompletableFuture<HttpResponse<T>> cf;
    boolean was = Tollgate.enterHandling();
    try {
      TeeBodyHandler<T> tee = new TeeBodyHandler<>(handler, p.call);
      cf = pushPromiseHandler == null ? delegate.sendAsync(p.request, tee)
          : delegate.sendAsync(p.request, tee, pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      p.call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
    // a side branch: the application keeps the client's own future (cancel still reaches it)
    cf.whenComplete((r, t) -> {
      if (t != null) {
        p.call.onError(t);
      }
    });
    return cf;
  }

  private static final class Prepared {
    final HttpRequest request;
    final LlmCall call;

    Prepared(HttpRequest request, LlmCall call) {
      this.request = request;
      this.call = call;
    }
  }

  /**
   * Null when the request is not an LLM call, or when anything goes wrong before the call
   * starts (then the application's request goes out exactly as it was).
   */
  private static Prepared prepare(HttpRequest request, boolean mayBlock) {
    try {
      URI uri = request.uri();
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      Endpoint endpoint = Tollgate.recognize(uri.getHost(), uri.getPort(), path,
          name -> request.headers().firstValue(name).orElse(null));
      if (endpoint == null) {
        return null;
      }
      Gateway gateway = Tollgate.gateway();
      ControlHeaders.Builder control = ControlHeaders.builder();
      for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
        if (!h.getValue().isEmpty()) {
          control.accept(h.getKey(), h.getValue().get(0));
        }
      }
      ControlHeaders controls = control.build();
      byte[] body = null;
      Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
      if (publisher.isPresent()) {
        CompletableFuture<byte[]> collected = BodyCollector.collect(publisher.get());
        if (!collected.isDone() && !mayBlock) {
          TollgateLog.warnOnce("jdkhttp:async-body", "an asynchronous request body publisher was not read; "
              + "such LLM calls are observed without their request body");
        }
        body = collected.isDone() || mayBlock ? collected.get(BODY_WAIT_SECONDS, TimeUnit.SECONDS) : null;
        if (body == null) {
          return null;
        }
      }
      boolean strip = controls.any() && !endpoint.observeOnly();
      HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> !strip || !ControlHeaders.isControlHeader(name));
      if (body != null) {
        b.method(request.method(), HttpRequest.BodyPublishers.ofByteArray(body));
      }
      HttpRequest out = b.build();
      int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
      byte[] observed = body != null && body.length <= MAX_OBSERVED_BODY ? body : new byte[0];
      return new Prepared(out, gateway.start(endpoint, uri.getHost(), port, path, controls, observed));
    } catch (Throwable t) {
      TollgateLog.warnOnce("jdkhttp:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on java.net.http.HttpClient; it goes out untouched", t);
      return null;
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
