package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.HeaderLookup;
import java.net.URI;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import reactor.core.publisher.Mono;

/**
 * The door from the advice on {@code ReactorClientHttpConnector.connect} (Spring WebClient over
 * Reactor Netty): decides, from the URI alone and at once, whether the exchange may be an LLM
 * call, and if so returns the {@link ReactorExchange} that handles it. Null means: run the
 * connector's own code, untouched (not an LLM call, Tollgate off, or one of Tollgate's own
 * attempts).
 *
 * <p>The headers are not known yet at this point (the application's callback writes them later),
 * so Anthropic's {@code /v1/messages} on an unknown host counts as a candidate here and is
 * decided once the recorded request shows whether it carries {@code anthropic-version}.
 * A helper class, defined in the loader that has Spring.
 */
public final class ReactorConnectAdapter {
  static final int MAX_OBSERVED_BODY = 8 << 20;
  /** A header view that lets a path needing {@code anthropic-version} through as a candidate. */
  private static final HeaderLookup HEADERS_NOT_YET_KNOWN = name -> "anthropic-version".equalsIgnoreCase(name) ? "?" : null;

  private ReactorConnectAdapter() {}

  /** Called from the advice; never throws. */
  @SuppressWarnings("unchecked")
  public static Object connect(Object connector, Object method, Object uri, Object requestCallback) {
    try {
      if (!(connector instanceof ClientHttpConnector) || !(method instanceof HttpMethod) || !(uri instanceof URI)
          || !(requestCallback instanceof Function)) {
        return null;
      }
      URI u = (URI) uri;
      String host = u.getHost();
      if (host == null) {
        return null;
      }
      int port = OutgoingRequests.port(u);
      String path = OutgoingRequests.path(u);
      if (Tollgate.recognize(host, port, path, HEADERS_NOT_YET_KNOWN) == null) {
        return null;
      }
      Gateway gateway = Tollgate.gateway();
      gateway.warmUp();
      ClientHttpConnector c = (ClientHttpConnector) connector;
      HttpMethod m = (HttpMethod) method;
      Function<? super ClientHttpRequest, Mono<Void>> callback = (Function<? super ClientHttpRequest, Mono<Void>>) requestCallback;
      return Mono.defer(() -> new ReactorExchange(c, m, u, host, port, path, callback).run());
    } catch (Throwable t) {
      TollgateLog.warnOnce("spring-reactor:connect:" + t.getClass().getName(),
          "could not prepare a Spring WebClient exchange; it goes out untouched", t);
      return null;
    }
  }
}
