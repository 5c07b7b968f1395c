package dev.tollgate.telemetry;

import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * Lets a call's span take a span id chosen before the span exists.
 *
 * <p>Why: to nest the application's own HTTP client spans (the OpenTelemetry Java agent's, one
 * per attempt) under Tollgate's call span, that span's id must be current in the application's
 * context while the attempts run; but the span itself may only be created when the call ends
 * (on the warm-up thread, while the SDK is still being built). The gateway picks the id at call
 * start ({@link CallRecord#presetSpanId}); {@link OtelTelemetry#start} hands it to this
 * generator for the one {@code startSpan()} on its thread. Every other id is random, as the
 * SDK's default generator makes it.
 *
 * <p>The same holds for a trace id ({@link CallRecord#presetTraceId}): with
 * {@code tollgate.propagate}, a call with no application parent sends a {@code traceparent}
 * naming a trace that only starts when the span is created. The SDK asks for a trace id only
 * for a span without a valid parent.
 */
public final class PresetSpanIds implements IdGenerator {
  private static final ThreadLocal<String> NEXT = new ThreadLocal<>();
  private static final ThreadLocal<String> NEXT_TRACE = new ThreadLocal<>();
  public static final PresetSpanIds INSTANCE = new PresetSpanIds();

  private PresetSpanIds() {}

  /** The id the next span started on this thread takes; null to clear. */
  static void next(String spanId) {
    NEXT.set(spanId); // not remove(): the thread's next call would create the entry again
  }

  /** The trace id the next root span started on this thread takes; null to clear. */
  static void nextTrace(String traceId) {
    NEXT_TRACE.set(traceId);
  }

  @Override
  public String generateSpanId() {
    String preset = NEXT.get();
    if (preset != null) {
      NEXT.set(null);
      return preset;
    }
    return IdGenerator.random().generateSpanId();
  }

  @Override
  public String generateTraceId() {
    String preset = NEXT_TRACE.get();
    if (preset != null) {
      NEXT_TRACE.set(null);
      return preset;
    }
    return IdGenerator.random().generateTraceId();
  }
}
