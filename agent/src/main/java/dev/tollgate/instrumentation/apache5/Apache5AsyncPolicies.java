package dev.tollgate.instrumentation.apache5;

import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.policy.CachedResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.support.BasicRequestBuilder;

/**
 * The HttpClient 5 async side of the gateway policies.
 *
 * <p>Why it is shaped like this: a response head arrives on an I/O reactor thread, which must
 * never wait. So every attempt has its own callback ({@link Attempt}) that decides on the head,
 * before the application's callback sees anything. A response the policies repeat is discarded
 * (as the client's own retry stage does); once it has ended, the next attempt goes through the
 * rest of the chain again with a fresh copy of the request and a fresh body producer — at once,
 * or after its delay on the JDK's shared delay scheduler (as the JDK adapter's
 * {@code AsyncAttempts}). A fallback to another host gets a route of its own, and the endpoint
 * leased for the old route is released first (as the client's redirect stage does: the connect
 * stage would otherwise reuse the leased connection). The response delivered goes to the
 * application's callback through the tee; once it started flowing it is never repeated. A cache
 * hit is delivered to the application's callback and body consumer on the calling thread, with
 * no network call. A helper class.
 */
final class Apache5AsyncPolicies {
  /** The cached body is handed over in one buffer: a consumer takes all it is given. */
  private static final CapacityChannel UNLIMITED = increment -> { };

  private Apache5AsyncPolicies() {}

  /**
   * Runs a call with policies. {@code body} is the application's request body (null when it sent
   * none), {@code contentType} its type.
   */
  static void execute(HttpRequest prepared, byte[] body, String contentType, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback, LlmCall call) {
    CachedResponse hit = call.cachedReply();
    if (hit != null) {
      replay(hit, new TeeCallback(callback, call));
      return;
    }
    new Attempts(prepared, body != null, contentType, scope, chain, new TeeCallback(callback, call), call,
        call.wantsResponseHeaders()).send(call.firstAttempt());
  }

  /** A cached answer, delivered as the network would: head, the body in one buffer, end. */
  static void replay(CachedResponse hit, AsyncExecCallback tee) {
    try {
      BasicHttpResponse response = new BasicHttpResponse(hit.status());
      ContentType type = Apache5Policies.cachedHead(response, hit);
      byte[] body = hit.body();
      AsyncDataConsumer consumer =
          tee.handleResponse(response, body.length == 0 ? null : new BasicEntityDetails(body.length, type));
      if (consumer != null) {
        consumer.updateCapacity(UNLIMITED);
        consumer.consume(ByteBuffer.wrap(body));
        consumer.streamEnd(null);
      }
      tee.completed();
    } catch (HttpException | IOException | RuntimeException e) {
      tee.failed(e); // the application's consumer refused it, as it would have refused the network's
    }
  }

  /** The attempts of one call: what to send next, and on which route. */
  private static final class Attempts {
    private final HttpRequest prepared;
    private final boolean hasBody;
    private final String contentType;
    private final AsyncExecChain.Scope scope;
    private final AsyncExecChain chain;
    private final AsyncExecCallback app;
    private final LlmCall call;
    /**
     * The answer will be stored: ask for it unencoded. This stage sits inside the client's
     * content decompression, so it sees the bytes as sent; a gzip body stored without its
     * {@code Content-Encoding} (never replayed) would be garbage on a hit. Identity is always
     * an acceptable encoding, and the application gets the same decoded content either way.
     */
    private final boolean identityEncoding;
    /** The route the scope's endpoint is leased for. */
    private volatile HttpRoute leasedFor;

    Attempts(HttpRequest prepared, boolean hasBody, String contentType, AsyncExecChain.Scope scope,
        AsyncExecChain chain, AsyncExecCallback app, LlmCall call, boolean identityEncoding) {
      this.prepared = prepared;
      this.hasBody = hasBody;
      this.contentType = contentType;
      this.scope = scope;
      this.chain = chain;
      this.app = app;
      this.call = call;
      this.identityEncoding = identityEncoding;
      this.leasedFor = scope.route;
    }

    /** Sends {@code plan} now, or schedules it after its delay; never waits. */
    void send(AttemptPlan plan) {
      if (plan.delayMillis() <= 0) {
        sendNow(plan);
        return;
      }
      CompletableFuture.delayedExecutor(plan.delayMillis(), TimeUnit.MILLISECONDS).execute(() -> sendNow(plan));
    }

    private void sendNow(AttemptPlan plan) {
      if (scope.cancellableDependency != null && scope.cancellableDependency.isCancelled()) {
        app.failed(new InterruptedIOException("cancelled while waiting to retry")); // ends the call; not retried
        return;
      }
      Attempt attempt = new Attempt();
      boolean was = Tollgate.enterHandling();
      try {
        chain.proceed(requestFor(plan), producerFor(plan), scopeFor(plan), attempt);
      } catch (HttpException | IOException | RuntimeException e) {
        attempt.failed(e);
      } finally {
        Tollgate.exitHandling(was);
      }
    }

    private HttpRequest requestFor(AttemptPlan plan) {
      BasicRequestBuilder copy = BasicRequestBuilder.copy(prepared);
      if (!plan.isOriginalRequest()) {
        Apache5Policies.retarget(copy, plan);
      }
      if (identityEncoding) {
        copy.removeHeaders("Accept-Encoding");
      }
      return copy.build();
    }

    private AsyncEntityProducer producerFor(AttemptPlan plan) {
      if (!hasBody && plan.isOriginalRequest()) {
        return null;
      }
      return new BasicAsyncEntityProducer(plan.body(), plan.isOriginalRequest() && contentType == null
          ? null : Apache5Policies.fallbackContentType(contentType));
    }

    private AsyncExecChain.Scope scopeFor(AttemptPlan plan) {
      HttpRoute route = Apache5Policies.routeFor(scope.route, plan);
      if (!route.equals(leasedFor)) {
        scope.execRuntime.releaseEndpoint(); // leased for the other host: the connect stage leases one for this route
        leasedFor = route;
      }
      if (route.equals(scope.route)) {
        return scope;
      }
      return new AsyncExecChain.Scope(scope.exchangeId, route, scope.originalRequest, scope.cancellableDependency,
          scope.clientContext, scope.execRuntime, scope.scheduler, scope.execCount);
    }

    /** One attempt's callback: decides on the head; delivers, or sends the next attempt once this one ended. */
    private final class Attempt implements AsyncExecCallback {
      private volatile AttemptPlan next;
      private volatile boolean delivered;

      @Override
      public AsyncDataConsumer handleResponse(HttpResponse response, EntityDetails entityDetails)
          throws HttpException, IOException {
        AttemptPlan again = call.afterResponse(response.getCode(), TollgateExecHandler.lookup(response));
        if (again != null) {
          next = again;
          return new DiscardingEntityConsumer<>();
        }
        delivered = true;
        return app.handleResponse(response, entityDetails);
      }

      @Override
      public void handleInformationResponse(HttpResponse response) throws HttpException, IOException {
        app.handleInformationResponse(response);
      }

      @Override
      public void completed() {
        AttemptPlan again = next;
        if (again == null) {
          app.completed();
        } else {
          send(again);
        }
      }

      @Override
      public void failed(Exception cause) {
        if (delivered) {
          app.failed(cause); // the body had started flowing to the application: never repeated
          return;
        }
        AttemptPlan again = next != null ? next : call.afterFailure(cause);
        if (again == null) {
          app.failed(cause);
          return;
        }
        try {
          scope.execRuntime.discardEndpoint(); // as the client's retry stage does after an I/O failure
        } catch (RuntimeException e) {
          // the next attempt leases another
        }
        send(again);
      }
    }
  }
}
