package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.provider.ResponseObserver;
import dev.tollgate.telemetry.CallRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.tollgate.policy.CachedResponse;

/**
 * One logical LLM call in flight, as a client adapter sees it: started with the request,
 * told the response head, fed the body bytes as they pass to the application, ended once.
 *
 * <p>Why every method swallows its own failures: adapters call these from inside the
 * application's HTTP call. A bug here must cost a warning on the span, never the app's call.
 * The call ends exactly once, whichever of end-of-body, close, cancel or error comes first.
 */
public final class LlmCall {
  private final Gateway gateway;
  private final Endpoint endpoint;
  private final CallRecord record;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final AtomicBoolean settled = new AtomicBoolean();
  private final PolicyDriver policy;
  private ResponseObserver observer;
  /** The application's trace at call start, when its HTTP client spans are to nest under ours; else null. */
  private final ApplicationTrace.Captured applicationTrace;
  private volatile boolean applicationSpanEnded;

  /** The {@code traceparent} / {@code tracestate} to send with {@code tollgate.propagate=true}; else null. */
  private final TraceHeaders traceHeaders;

  LlmCall(Gateway gateway, Endpoint endpoint, CallRecord record, PolicyDriver policy) {
    this(gateway, endpoint, record, policy, null, null);
  }

  LlmCall(Gateway gateway, Endpoint endpoint, CallRecord record, PolicyDriver policy,
      ApplicationTrace.Captured applicationTrace, TraceHeaders traceHeaders) {
    this.gateway = gateway;
    this.endpoint = endpoint;
    this.record = record;
    this.policy = policy;
    this.applicationTrace = applicationTrace;
    this.traceHeaders = traceHeaders;
  }

  /**
   * Headers to add to every request sent for this call, given the application's request headers:
   * with {@code tollgate.propagate=true}, a W3C {@code traceparent} naming the call span (and the
   * parent's {@code tracestate}), unless the request already carries a {@code traceparent}. Empty
   * otherwise (the default). Adapters add them once, to the request every attempt is copied from.
   * Never throws.
   */
  public List<Map.Entry<String, String>> traceHeaders(HeaderLookup requestHeaders) {
    TraceHeaders t = traceHeaders;
    if (t == null) {
      return List.of();
    }
    try {
      return t.forRequest(requestHeaders);
    } catch (Throwable e) {
      internalError("trace headers", e);
      return List.of();
    }
  }

  /**
   * Around each attempt's transport call: makes Tollgate's call span the current span of the
   * application's own OpenTelemetry context (the context the call started in), so HTTP client
   * spans the application's instrumentation starts for the attempt are its children. A no-op
   * scope when the application had no current span, or {@code tollgate.otel.nest-http-spans=false}.
   */
  public ApplicationSpanScope enterApplicationSpan() {
    ApplicationTrace.Captured c = applicationTrace;
    return c == null ? ApplicationSpanScope.NONE : c.enter();
  }

  /** The call's span in the application's SDK ({@code tollgate.otel.use-global}); null when Tollgate's SDK records it. */
  ApplicationTracer.ApplicationSpan applicationSpan() {
    ApplicationTrace.Captured c = applicationTrace;
    return c == null ? null : c.applicationSpan();
  }

  void markApplicationSpanEnded() {
    applicationSpanEnded = true;
  }

  /** True once the application's SDK has the call's span: Tollgate's SDK then records only the metrics. */
  boolean applicationSpanEnded() {
    return applicationSpanEnded;
  }

  // ---- policies: adapters ask what to do; without a policy every answer is "as the app asked"

  /** True when a cache, retry or fallback policy applies: the adapter then follows the plans. */
  public boolean hasPolicies() {
    return policy != null;
  }

  /** A cached answer to serve instead of calling the provider, or null. */
  public CachedResponse cachedReply() {
    try {
      return policy == null ? null : policy.cacheLookup();
    } catch (Throwable t) {
      internalError("cache look-up", t);
      return null;
    }
  }

  /** The first attempt: the application's own request. */
  public AttemptPlan firstAttempt() {
    return policy == null ? null : policy.first();
  }

  /**
   * After an attempt's response head arrived: the next attempt to make (after its delay), or
   * null to deliver this response to the application. Never throws.
   */
  public AttemptPlan afterResponse(int status, HeaderLookup headers) {
    try {
      return policy == null ? null : policy.afterResponse(status, headers);
    } catch (Throwable t) {
      internalError("retry decision", t);
      return null;
    }
  }

  /** After an attempt failed with no response: the next attempt, or null to give up. */
  public AttemptPlan afterFailure(Throwable error) {
    try {
      return policy == null ? null : policy.afterFailure(error);
    } catch (Throwable t) {
      internalError("retry decision", t);
      return null;
    }
  }

  /** Headers Tollgate adds to the response the application sees ({@code Tollgate-Cache: MISS}...). */
  public List<Map.Entry<String, String>> extraResponseHeaders() {
    try {
      return policy == null ? List.of() : policy.extraResponseHeaders();
    } catch (Throwable t) {
      internalError("response headers", t);
      return List.of();
    }
  }

  /** True when the adapter should pass the full response header list to {@link #onResponseHead}. */
  public boolean wantsResponseHeaders() {
    return policy != null && policy.wantsResponseHeaders();
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  CallRecord record() {
    return record;
  }

  /** The status line and headers arrived; the body may follow. */
  public void onResponseHead(int status, HeaderLookup headers) {
    onResponseHead(status, headers, null);
  }

  /**
   * The delivered response's head arrived. {@code allHeaders} (every response header, in order)
   * is only needed when {@link #wantsResponseHeaders()}; null otherwise.
   */
  public void onResponseHead(int status, HeaderLookup headers, List<Map.Entry<String, String>> allHeaders) {
    try {
      if (policy != null) {
        policy.onDelivered(status, allHeaders);
      }
      record.statusCode = status;
      if (status >= 400) {
        record.errorType = Integer.toString(status);
      }
      ResponseHeaders.readRateLimits(headers, record);
      String contentType = headers.first("content-type");
      boolean eventStream = contentType != null
          && contentType.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length());
      Endpoint answering = policy == null ? endpoint : policy.currentEndpoint();
      observer = gateway.codecFor(answering).newResponseObserver(record, eventStream);
    } catch (Throwable t) {
      internalError("response head", t);
    }
  }

  /** Body bytes that were just handed to the application. The array is not kept. */
  public void onBytes(byte[] bytes, int offset, int length) {
    if (length <= 0 || ended.get()) {
      return;
    }
    if (record.firstChunkNanos == 0) {
      record.firstChunkNanos = System.nanoTime();
    }
    if (policy != null) {
      try {
        policy.onBytes(bytes, offset, length);
      } catch (Throwable t) {
        internalError("cache capture", t);
      }
    }
    ResponseObserver o = observer;
    if (o == null) {
      return;
    }
    try {
      o.onBytes(bytes, offset, length);
    } catch (Throwable t) {
      observer = null;
      internalError("response body", t);
    }
  }

  /** The body was read to its end. */
  public void onComplete() {
    finish(true, null, null);
  }

  /**
   * The body was read to its end, and {@code deliver} hands that end to the application. What
   * the application's next call depends on (the cache entry, the cost counted against budgets
   * and rate limits) is settled before {@code deliver}; the span, metrics and report are
   * recorded after it, so the application does not wait for them. What {@code deliver} throws
   * reaches the caller.
   */
  public void onComplete(Runnable deliver) {
    finish(true, null, deliver);
  }

  /**
   * The application closed or cancelled the body before its end. Not an error by itself
   * (an SDK may stop reading a stream after its final event); the codec judges what it saw.
   */
  public void onClosedEarly() {
    finish(false, null, null);
  }

  /** The call failed: no response, or the body broke off. */
  public void onError(Throwable error) {
    finish(false, error == null ? new IllegalStateException("unknown") : error, null);
  }

  /** True the first time only: the call's cost is counted once, whether at its end or when the warm-up lets it. */
  boolean markSettled() {
    return settled.compareAndSet(false, true);
  }

  public boolean ended() {
    return ended.get();
  }

  // how the call ended, kept for a codec end deferred to the recording (written before the
  // hand-over to the recording thread, which publishes them)
  private boolean endComplete;
  private Throwable endError;
  private boolean endDeferred;

  private void finish(boolean complete, Throwable error, Runnable deliver) {
    if (!ended.compareAndSet(false, true)) {
      if (deliver != null) {
        deliver.run();
      }
      return;
    }
    record.endNanos = System.nanoTime();
    endComplete = complete;
    endError = error;
    boolean defer = false;
    try {
      defer = gateway.mayDeferEnd(this);
    } catch (Throwable t) {
      internalError("call end", t);
    }
    endDeferred = defer;
    if (!defer) {
      endResponse(complete, error);
    }
    boolean cleanEnd = error == null && (complete || (observer != null && observer.sawEnd()));
    boolean recordNow = false;
    try {
      recordNow = gateway.finish(this, cleanEnd);
    } catch (Throwable t) {
      internalError("call end", t); // never the application's problem
    }
    try {
      if (deliver != null) {
        deliver.run();
      }
    } finally {
      if (recordNow) {
        try {
          gateway.recordFinished(this);
        } catch (Throwable t) {
          internalError("call end", t);
        }
      }
    }
  }

  /** The codec's last word on the response, and the error type of a failed call. */
  private void endResponse(boolean complete, Throwable error) {
    try {
      ResponseObserver o = observer;
      if (o != null) {
        o.onEnd(complete);
      }
      if (error != null && (record.errorType == null || record.statusCode < 400)) {
        record.errorType = error.getClass().getName();
      }
    } catch (Throwable t) {
      internalError("response end", t);
    }
  }

  /** True when the codec's last word waits for the recording ({@link Gateway#mayDeferEnd}). */
  boolean endDeferred() {
    return endDeferred;
  }

  /** Runs the codec's last word when it was deferred; on the recording side, before anything is read. */
  void completeDeferredEnd() {
    if (endDeferred) {
      endDeferred = false;
      endResponse(endComplete, endError);
    }
  }

  /** The endpoint whose price prefixes apply: the one that answered. */
  Endpoint answeringEndpoint() {
    return policy == null ? endpoint : policy.currentEndpoint();
  }

  PolicyDriver policy() {
    return policy;
  }

  private void internalError(String where, Throwable t) {
    record.warn("tollgate internal error in " + where + ": " + t.getClass().getSimpleName());
    TollgateLog.warnOnce("internal:" + where + ":" + t.getClass().getName(),
        "internal error while reading the " + where + " of an LLM call; the call itself is unaffected", t);
  }
}
