package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.policy.CachedResponse;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Mono;

/**
 * One WebClient exchange that may be an LLM call, as a {@code Mono} that does nothing until
 * subscribed (as the connector's own does): record the request, recognise it with its headers,
 * then answer from the cache or send each attempt through the real connector, and deliver the
 * response with its body teed to the call.
 *
 * <p>Waits between attempts are {@code Mono.delay} on Reactor's timer, never a sleep on an event
 * loop. Each attempt calls the connector's own {@code connect} under {@link Tollgate#enterHandling}
 * (connect is a plain synchronous call that returns a lazy {@code Mono}), so the advice lets it
 * through: one call is handled once. What is not an LLM call after all is replayed as recorded.
 *
 * <p>The steps are small named classes, not lambdas capturing {@code this}: this class is injected
 * into the application's loader, and a lambda whose call-site type names it fails to link there
 * ({@code NoClassDefFoundError}, as the JDK adapter found on the platform loader). A helper class.
 */
final class ReactorExchange {
  private final ClientHttpConnector connector;
  private final HttpMethod method;
  private final URI uri;
  private final String host;
  private final int port;
  private final String path;
  private final Function<? super ClientHttpRequest, Mono<Void>> callback;

  private RecordingClientHttpRequest recorded;
  private byte[] body;
  private boolean dropControlHeaders;
  /** Added to every attempt ({@code tollgate.propagate}); empty by default. */
  private List<Map.Entry<String, String>> traceHeaders = List.of();
  private LlmCall call;
  private final AtomicBoolean delivered = new AtomicBoolean();

  ReactorExchange(ClientHttpConnector connector, HttpMethod method, URI uri, String host, int port, String path,
      Function<? super ClientHttpRequest, Mono<Void>> callback) {
    this.connector = connector;
    this.method = method;
    this.uri = uri;
    this.host = host;
    this.port = port;
    this.path = path;
    this.callback = callback;
  }

  /** The exchange; called once per subscription (a resubscribed Mono, e.g. the app's retry(), is a new exchange). */
  Mono<ClientHttpResponse> run() {
    RecordingClientHttpRequest request = new RecordingClientHttpRequest(method, uri);
    Mono<Void> written;
    try {
      written = callback.apply(request);
    } catch (Throwable t) {
      return untouched();
    }
    return (written == null ? Mono.<Void>empty() : written)
        .then(Mono.just(request))
        // the callback failed against the recording (an app that casts the native request):
        // the exchange goes out as the app made it, unobserved
        .onErrorResume(e -> Mono.empty())
        .flatMap(new Exchange(this))
        .switchIfEmpty(Mono.defer(new Untouched(this)));
  }

  /** The original exchange, the app's callback and all, not observed. */
  private Mono<ClientHttpResponse> untouched() {
    return connect(uri, callback);
  }

  private Mono<ClientHttpResponse> exchange(RecordingClientHttpRequest request) {
    recorded = request;
    body = request.body();
    try {
      HttpHeaders headers = request.recordedHeaders();
      HeaderLookup lookup = headers::getFirst;
      Endpoint endpoint = Tollgate.recognize(host, port, path, lookup);
      if (endpoint == null) {
        return send(uri, null); // e.g. /v1/messages without anthropic-version: as recorded
      }
      Gateway gateway = Tollgate.gateway();
      ControlHeaders.Builder control = ControlHeaders.builder();
      headers.forEach((name, values) -> values.forEach(v -> control.accept(name, v)));
      ControlHeaders controls = control.build();
      dropControlHeaders = controls.any() && !endpoint.observeOnly();
      byte[] observed = body != null && body.length <= ReactorConnectAdapter.MAX_OBSERVED_BODY ? body : new byte[0];
      call = gateway.start(endpoint, uri, host, port, path, controls, lookup, observed);
      traceHeaders = call.traceHeaders(lookup);
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-reactor:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on Spring WebClient; it goes out untouched", t);
      dropControlHeaders = false;
      call = null;
      return send(uri, null);
    }
    Mono<ClientHttpResponse> answer;
    if (call.hasPolicies()) {
      CachedResponse hit = call.cachedReply();
      answer = hit != null ? Mono.just(fromCache(hit)) : attempt(call.firstAttempt());
    } else {
      answer = send(uri, null)
          .doOnError(call::onError)
          .map(new Deliver(this));
    }
    LlmCall started = call;
    AtomicBoolean responded = delivered;
    return answer.doOnCancel(() -> {
      if (!responded.get()) {
        started.onClosedEarly(); // the app gave up before a response head arrived
      }
    });
  }

  /** One attempt after its wait, then the call decides: deliver, try again, or fail as the connector failed. */
  private Mono<ClientHttpResponse> attempt(AttemptPlan plan) {
    Mono<ClientHttpResponse> sent = Mono.defer(new Send(this, plan));
    if (plan.delayMillis() > 0) {
      sent = Mono.delay(Duration.ofMillis(plan.delayMillis())).then(sent);
    }
    return sent.cast(Object.class)
        .onErrorResume(Mono::just)
        .flatMap(new Decide(this));
  }

  private Mono<ClientHttpResponse> decide(Object outcome) {
    if (outcome instanceof Throwable) {
      Throwable error = (Throwable) outcome;
      AttemptPlan next = call.afterFailure(error);
      if (next == null) {
        call.onError(error);
        return Mono.error(error);
      }
      return attempt(next);
    }
    ClientHttpResponse response = (ClientHttpResponse) outcome;
    AttemptPlan next = call.afterResponse(response.getStatusCode().value(), response.getHeaders()::getFirst);
    if (next == null) {
      return Mono.just(deliver(response));
    }
    return response.getBody()
        .doOnNext(DataBufferUtils::release)
        .onErrorResume(e -> Mono.empty())
        .then(Mono.defer(new Retry(this, next)));
  }

  /**
   * Sends the recorded request to {@code target}; {@code plan} null: as the app wrote it (control
   * headers dropped when the call is handled).
   */
  private Mono<ClientHttpResponse> send(URI target, AttemptPlan plan) {
    byte[] out = plan == null || plan.isOriginalRequest() ? body : plan.body();
    boolean hasBody = out != null;
    // the writer captures only Spring and core types: a lambda capturing this injected class
    // fails to link (its call-site type names a class the JVM then looks up from the bootstrap loader)
    HttpHeaders headers = recorded.recordedHeaders();
    MultiValueMap<String, HttpCookie> cookies = recorded.getCookies();
    Map<String, Object> attributes = recorded.getAttributes();
    boolean drop = dropControlHeaders;
    List<Map.Entry<String, String>> trace = traceHeaders;
    return connect(target, request -> {
      OutgoingRequests.copyHeaders(headers, request.getHeaders(), drop, trace, plan, out);
      request.getCookies().addAll(cookies);
      request.getAttributes().putAll(attributes);
      if (!hasBody) {
        return request.setComplete();
      }
      return request.writeWith(Mono.fromSupplier(() -> request.bufferFactory().wrap(out)));
    });
  }

  private Mono<ClientHttpResponse> connect(URI target, Function<? super ClientHttpRequest, Mono<Void>> writer) {
    boolean was = Tollgate.enterHandling();
    try {
      return connector.connect(method, target, writer);
    } finally {
      Tollgate.exitHandling(was);
    }
  }

  private ClientHttpResponse deliver(ClientHttpResponse response) {
    if (call == null) {
      return response;
    }
    delivered.set(true);
    try {
      HttpHeaders headers = response.getHeaders();
      List<Map.Entry<String, String>> all = call.wantsResponseHeaders() ? OutgoingRequests.entries(headers) : null;
      call.onResponseHead(response.getStatusCode().value(), headers::getFirst, all);
      return new TeeClientHttpResponse(response, call, call.extraResponseHeaders());
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-reactor:response", "could not observe a WebClient response body", t);
      call.onClosedEarly();
      return response;
    }
  }

  private ClientHttpResponse fromCache(CachedResponse hit) {
    delivered.set(true);
    CachedClientHttpResponse cached =
        new CachedClientHttpResponse(hit.status(), hit.headers(), hit.body(), call.extraResponseHeaders(), call);
    call.onResponseHead(hit.status(), cached.getHeaders()::getFirst);
    return cached;
  }

  private static final class Exchange implements Function<RecordingClientHttpRequest, Mono<ClientHttpResponse>> {
    private final ReactorExchange owner;

    Exchange(ReactorExchange owner) {
      this.owner = owner;
    }

    @Override
    public Mono<ClientHttpResponse> apply(RecordingClientHttpRequest request) {
      return owner.exchange(request);
    }
  }

  private static final class Untouched implements Supplier<Mono<ClientHttpResponse>> {
    private final ReactorExchange owner;

    Untouched(ReactorExchange owner) {
      this.owner = owner;
    }

    @Override
    public Mono<ClientHttpResponse> get() {
      return owner.untouched();
    }
  }

  private static final class Deliver implements Function<ClientHttpResponse, ClientHttpResponse> {
    private final ReactorExchange owner;

    Deliver(ReactorExchange owner) {
      this.owner = owner;
    }

    @Override
    public ClientHttpResponse apply(ClientHttpResponse response) {
      return owner.deliver(response);
    }
  }

  /** Sends one attempt (after its wait). */
  private static final class Send implements Supplier<Mono<ClientHttpResponse>> {
    private final ReactorExchange owner;
    private final AttemptPlan plan;

    Send(ReactorExchange owner, AttemptPlan plan) {
      this.owner = owner;
      this.plan = plan;
    }

    @Override
    public Mono<ClientHttpResponse> get() {
      return owner.send(plan.uri(), plan);
    }
  }

  /** The next attempt, once the dropped response's body was released. */
  private static final class Retry implements Supplier<Mono<ClientHttpResponse>> {
    private final ReactorExchange owner;
    private final AttemptPlan plan;

    Retry(ReactorExchange owner, AttemptPlan plan) {
      this.owner = owner;
      this.plan = plan;
    }

    @Override
    public Mono<ClientHttpResponse> get() {
      return owner.attempt(plan);
    }
  }

  /** After an attempt: a response or the exception it failed with. */
  private static final class Decide implements Function<Object, Mono<ClientHttpResponse>> {
    private final ReactorExchange owner;

    Decide(ReactorExchange owner) {
      this.owner = owner;
    }

    @Override
    public Mono<ClientHttpResponse> apply(Object outcome) {
      return owner.decide(outcome);
    }
  }
}
