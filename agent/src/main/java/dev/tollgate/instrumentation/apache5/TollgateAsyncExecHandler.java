package dev.tollgate.instrumentation.apache5;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;

/**
 * The adapter for Apache HttpClient 5 async ({@code HttpAsyncClientBuilder}): an
 * {@link AsyncExecChainHandler} placed in the chain as the classic one is. It observes (request body, response
 * head, every body chunk after the application's consumer took it) and runs the gateway policies
 * ({@link Apache5AsyncPolicies}). A repeatable request body is read once and replaced by a
 * byte-array producer; a non-repeatable one is sent untouched and the call observed without it,
 * with no policy (the body can be neither keyed, nor sent again). A helper class.
 */
public final class TollgateAsyncExecHandler implements AsyncExecChainHandler {
  static final TollgateAsyncExecHandler INSTANCE = new TollgateAsyncExecHandler();
  private static final Set<Object> INSTALLED = Collections.newSetFromMap(new WeakHashMap<>());

  private TollgateAsyncExecHandler() {}

  /** Called from the advice on {@code HttpAsyncClientBuilder.build()}; never throws. */
  public static void installOn(Object builder) {
    try {
      Gateway gateway = Tollgate.gateway();
      if (gateway == null || Tollgate.isSuppressed() || !(builder instanceof HttpAsyncClientBuilder)) {
        return;
      }
      synchronized (INSTALLED) {
        if (!INSTALLED.add(builder)) {
          return;
        }
      }
      if (TollgateExecHandler.retriesEnabled(builder)) {
        ((HttpAsyncClientBuilder) builder).addExecInterceptorAfter(ChainElement.RETRY.name(), TollgateExecHandler.NAME, INSTANCE);
      } else {
        ((HttpAsyncClientBuilder) builder).addExecInterceptorFirst(TollgateExecHandler.NAME, INSTANCE);
      }
      gateway.warmUp();
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5-async:install",
          "could not add Tollgate to an Apache HttpAsyncClient 5; its calls are not observed", t);
    }
  }

  @Override
  public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
    LlmCall call = null;
    AsyncEntityProducer producer = entityProducer;
    byte[] body = null;
    try {
      URI uri = TollgateExecHandler.absoluteUri(request.getUri(), scope.route.getTargetHost());
      String host = uri.getHost();
      int port = TollgateExecHandler.port(uri.getScheme(), uri.getPort());
      String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
      HeaderLookup headers = TollgateExecHandler.lookup(request);
      Endpoint endpoint = Tollgate.recognize(host, port, path, headers);
      if (endpoint != null) {
        Gateway gateway = Tollgate.gateway();
        ControlHeaders.Builder control = ControlHeaders.builder();
        for (Header h : request.getHeaders()) {
          control.accept(h.getName(), h.getValue());
        }
        ControlHeaders controls = control.build();
        if (entityProducer != null && entityProducer.isRepeatable()) {
          body = BodyCapture.drain(entityProducer);
          if (body != null) {
            String type = entityProducer.getContentType();
            producer = new BasicAsyncEntityProducer(body, type == null ? null : ContentType.parse(type));
          }
        }
        if (controls.any() && !endpoint.observeOnly()) {
          for (Header h : request.getHeaders()) {
            if (ControlHeaders.isControlHeader(h.getName())) {
              request.removeHeaders(h.getName());
            }
          }
        }
        byte[] observed = body != null && body.length <= TollgateExecHandler.MAX_OBSERVED_BODY ? body : new byte[0];
        call = gateway.start(endpoint, uri, host, port, path, controls, headers, observed);
        // every attempt is a copy of this request: the trace headers are added once, here
        TollgateExecHandler.addTraceHeaders(request, call.traceHeaders(headers));
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("apache5-async:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on Apache HttpAsyncClient 5; it goes out untouched", t);
      call = null;
      producer = entityProducer;
      body = null;
    }
    if (call == null) {
      chain.proceed(request, entityProducer, scope, callback);
      return;
    }
    if (call.hasPolicies() && (entityProducer == null || body != null)) {
      Apache5AsyncPolicies.execute(request, body, entityProducer == null ? null : entityProducer.getContentType(),
          scope, chain, callback, call);
      return;
    }
    boolean was = Tollgate.enterHandling();
    try {
      chain.proceed(request, producer, scope, new TeeCallback(callback, call));
    } catch (IOException | HttpException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }
}
