package dev.tollgate.pipeline;

import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace-context headers ({@code traceparent}, {@code tracestate}) that
 * {@code tollgate.propagate=true} adds to every request Tollgate sends for a call.
 *
 * <p>Why the ids are chosen here, at call start: the header names Tollgate's call span, but that
 * span is only created when the call ends. So the call span's id (and, when the application had
 * no current span, its trace id) is picked now and preset on the {@link CallRecord}
 * ({@link CallRecord#presetSpanId}, {@link CallRecord#presetTraceId}); the exported span takes
 * exactly those ids. Every attempt (retries, fallbacks) carries the same header: Tollgate has no
 * span per attempt (attempts are events on the call span), so the call span is what it names.
 *
 * <p>A request that already has a {@code traceparent} (the application's own instrumentation,
 * the OpenTelemetry Java agent) keeps it and gets neither header: never two trace contexts.
 */
final class TraceHeaders {
  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";
  private static final byte SAMPLED = 0x01;

  private final List<Map.Entry<String, String>> headers;

  private TraceHeaders(List<Map.Entry<String, String>> headers) {
    this.headers = headers;
  }

  /**
   * Picks the call span's ids (keeping a span id already preset for nesting) and returns the
   * headers naming it: the parent's trace id and sampled flag when the application had a current
   * span, else a new trace id of Tollgate's own, sampled (the span is a root; Tollgate's default
   * sampler, {@code parentbased_always_on}, records every root).
   */
  static TraceHeaders forCall(CallRecord r) {
    if (r.presetSpanId == null) {
      r.presetSpanId = randomHex(1);
    }
    CallRecord.ParentSpan parent = r.parent;
    String traceId;
    byte flags;
    Map<String, String> state;
    if (parent != null) {
      traceId = parent.traceId;
      flags = parent.traceFlags;
      state = parent.traceState;
    } else {
      r.presetTraceId = randomHex(2);
      traceId = r.presetTraceId;
      flags = SAMPLED;
      state = Map.of();
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>(2);
    headers.add(Map.entry(TRACEPARENT, traceparent(traceId, r.presetSpanId, flags)));
    String tracestate = tracestate(state);
    if (tracestate != null) {
      headers.add(Map.entry(TRACESTATE, tracestate));
    }
    return new TraceHeaders(List.copyOf(headers));
  }

  /** The headers to add to a request with these headers: none when it already has a {@code traceparent}. */
  List<Map.Entry<String, String>> forRequest(HeaderLookup requestHeaders) {
    String existing = requestHeaders == null ? null : requestHeaders.first(TRACEPARENT);
    return existing != null ? List.of() : headers;
  }

  /** {@code 00-<trace id>-<span id>-<flags>}; version 00 defines only the sampled flag. */
  static String traceparent(String traceId, String spanId, byte flags) {
    return "00-" + traceId + "-" + spanId + ((flags & SAMPLED) != 0 ? "-01" : "-00");
  }

  /** {@code key=value} list members in the parent's order; null when there are none. */
  static String tracestate(Map<String, String> state) {
    if (state == null || state.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : state.entrySet()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(e.getKey()).append('=').append(e.getValue());
    }
    return b.toString();
  }

  /** {@code longs} random longs as lower-case hex, never all zeros (an invalid id). */
  private static String randomHex(int longs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder b = new StringBuilder(16 * longs);
    long any = 0;
    for (int i = 0; i < longs; i++) {
      long v = random.nextLong();
      if (i == longs - 1 && any == 0 && v == 0) {
        v = 1;
      }
      any |= v;
      b.append(String.format("%016x", v));
    }
    return b.toString();
  }
}
