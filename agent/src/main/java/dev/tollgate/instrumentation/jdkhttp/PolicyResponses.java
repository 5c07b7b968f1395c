package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.policy.CachedResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * The JDK HttpClient side of the gateway policies: answering from the cache through the
 * application's own body handler, and adding Tollgate's response headers
 * ({@code Tollgate-Cache}, {@code Tollgate-Fallback-Index}) to what the application sees.
 */
final class PolicyResponses {
  private PolicyResponses() {}

  /** Headers with Tollgate's extra entries appended (unchanged when there are none). */
  static HttpHeaders withExtra(HttpHeaders headers, List<Map.Entry<String, String>> extra) {
    if (extra.isEmpty()) {
      return headers;
    }
    Map<String, List<String>> map = new LinkedHashMap<>(headers.map());
    for (Map.Entry<String, String> e : extra) {
      map.put(e.getKey(), List.of(e.getValue()));
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }

  /**
   * A cache hit, delivered exactly as the application's handler would get it from the
   * network: the handler sees the status and headers, its subscriber gets the body bytes
   * (through the call's tee, so the codec records the answer) and produces the body object.
   */
  static <T> HttpResponse<T> serve(HttpRequest request, CachedResponse hit, HttpResponse.BodyHandler<T> handler,
      LlmCall call) throws Exception {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : hit.headers()) {
      map.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
    }
    HttpHeaders headers = withExtra(HttpHeaders.of(map, (a, b) -> true), call.extraResponseHeaders());
    HttpResponse.ResponseInfo info = new Info(hit.status(), headers);
    call.onResponseHead(hit.status(), name -> headers.firstValue(name).orElse(null));
    HttpResponse.BodySubscriber<T> subscriber =
        new TeeBodyHandler.TeeSubscriber<>(handler.apply(info), call);
    subscriber.onSubscribe(new Replay(subscriber, hit.body()));
    T body = subscriber.getBody().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Response<>(request, hit.status(), headers, body);
  }

  /** Delivers the cached bytes in one buffer once the subscriber asks for data. */
  static final class Replay implements Flow.Subscription {
    private final Flow.Subscriber<List<ByteBuffer>> subscriber;
    private final byte[] body;
    private boolean done;

    Replay(Flow.Subscriber<List<ByteBuffer>> subscriber, byte[] body) {
      this.subscriber = subscriber;
      this.body = body;
    }

    @Override
    public synchronized void request(long n) {
      if (done || n <= 0) {
        return;
      }
      done = true;
      if (body.length > 0) {
        subscriber.onNext(List.of(ByteBuffer.wrap(body).asReadOnlyBuffer()));
      }
      subscriber.onComplete();
    }

    @Override
    public synchronized void cancel() {
      done = true;
    }
  }

  static final class Info implements HttpResponse.ResponseInfo {
    private final int status;
    private final HttpHeaders headers;

    Info(int status, HttpHeaders headers) {
      this.status = status;
      this.headers = headers;
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpHeaders headers() {
      return headers;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  /** A response Tollgate made: a cache hit, or a network response with Tollgate's headers added. */
  static final class Response<T> implements HttpResponse<T> {
    private final HttpRequest request;
    private final int status;
    private final HttpHeaders headers;
    private final T body;
    private final HttpResponse<T> network;

    Response(HttpRequest request, int status, HttpHeaders headers, T body) {
      this(request, status, headers, body, null);
    }

    Response(HttpRequest request, int status, HttpHeaders headers, T body, HttpResponse<T> network) {
      this.request = request;
      this.status = status;
      this.headers = headers;
      this.body = body;
      this.network = network;
    }

    static <T> HttpResponse<T> augment(HttpResponse<T> network, List<Map.Entry<String, String>> extra) {
      if (extra.isEmpty()) {
        return network;
      }
      return new Response<>(network.request(), network.statusCode(), withExtra(network.headers(), extra),
          network.body(), network);
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return network == null ? Optional.empty() : network.previousResponse();
    }

    @Override
    public HttpHeaders headers() {
      return headers;
    }

    @Override
    public T body() {
      return body;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return network == null ? Optional.empty() : network.sslSession();
    }

    @Override
    public URI uri() {
      return network == null ? request.uri() : network.uri();
    }

    @Override
    public HttpClient.Version version() {
      return network == null ? HttpClient.Version.HTTP_1_1 : network.version();
    }
  }
}
