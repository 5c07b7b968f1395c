package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.provider.ResponseObserver;
import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final OtelTelemetry.CallSpan span;
  private final AtomicBoolean ended = new AtomicBoolean();
  private ResponseObserver observer;

  LlmCall(Gateway gateway, Endpoint endpoint, CallRecord record, OtelTelemetry.CallSpan span) {
    this.gateway = gateway;
    this.endpoint = endpoint;
    this.record = record;
    this.span = span;
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  CallRecord record() {
    return record;
  }

  OtelTelemetry.CallSpan span() {
    return span;
  }

  /** The status line and headers arrived; the body may follow. */
  public void onResponseHead(int status, HeaderLookup headers) {
    try {
      record.statusCode = status;
      if (status >= 400) {
        record.errorType = Integer.toString(status);
      }
      ResponseHeaders.readRateLimits(headers, record);
      String contentType = headers.first("content-type");
      boolean eventStream = contentType != null
          && contentType.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length());
      observer = gateway.codecFor(endpoint).newResponseObserver(record, eventStream);
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
    finish(true, null);
  }

  /**
   * The application closed or cancelled the body before its end. Not an error by itself
   * (an SDK may stop reading a stream after its final event); the codec judges what it saw.
   */
  public void onClosedEarly() {
    finish(false, null);
  }

  /** The call failed: no response, or the body broke off. */
  public void onError(Throwable error) {
    finish(false, error == null ? new IllegalStateException("unknown") : error);
  }

  public boolean ended() {
    return ended.get();
  }

  private void finish(boolean complete, Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    record.endNanos = System.nanoTime();
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
    gateway.finish(this);
  }

  private void internalError(String where, Throwable t) {
    record.warn("tollgate internal error in " + where + ": " + t.getClass().getSimpleName());
    TollgateLog.warnOnce("internal:" + where + ":" + t.getClass().getName(),
        "internal error while reading the " + where + " of an LLM call; the call itself is unaffected", t);
  }
}
