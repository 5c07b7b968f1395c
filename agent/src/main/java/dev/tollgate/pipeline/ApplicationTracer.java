package dev.tollgate.pipeline;

import static dev.tollgate.telemetry.GenAiAttributes.ALERT_EVENT;
import static dev.tollgate.telemetry.GenAiAttributes.ATTEMPT_EVENT;
import static dev.tollgate.telemetry.GenAiAttributes.INSTRUMENTATION_SCOPE;

import dev.tollgate.telemetry.CallAttributes;
import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import dev.tollgate.telemetry.TollgateVersion;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The application's {@code GlobalOpenTelemetry} tracer, for {@code tollgate.otel.use-global}: the
 * call span is emitted through the application's own SDK (its exporter, resource and sampler).
 *
 * <p>Why handles: Tollgate's API is relocated and cannot be linked against the application's
 * classes, so every method used is bound once, per copy of the API, as a {@link MethodHandle}
 * (no reflective look-up per call). Tollgate's attribute keys ({@link CallAttributes}) are
 * converted into the application's keys once per key.
 *
 * <p>Why the span starts at call start, on the application's thread (unlike Tollgate's own span,
 * created when the call ends): the application's SDK chooses the span id itself, so the span
 * must exist before the attempts run for the application's HTTP client spans to nest under it
 * (it is made current around each attempt instead of a preset id). Its sampler also decides
 * then, with the parent the call started under.
 *
 * <p>{@code GlobalOpenTelemetry.get()} is never called before {@code isSet()} says the
 * application registered one: on an unset global, {@code get()} registers the no-op, and the
 * application's own {@code set(...)} would then throw.
 */
final class ApplicationTracer {
  /** At most this many converted keys are kept (property names are the application's). */
  private static final int MAX_CACHED_KEYS = 4096;

  private final MethodHandle isSet;              // () -> boolean
  private final MethodHandle getTracer;          // (String, String) -> Tracer
  private final Object noopTracer;               // what the no-op global hands out
  private final MethodHandle spanBuilder;        // (Tracer, String) -> SpanBuilder
  private final MethodHandle setParent;          // (SpanBuilder, Context) -> SpanBuilder
  private final MethodHandle setSpanKind;        // (SpanBuilder, SpanKind) -> SpanBuilder
  private final MethodHandle setStartTimestamp;  // (SpanBuilder, long, TimeUnit) -> SpanBuilder
  private final MethodHandle builderAttribute;   // (SpanBuilder, AttributeKey, Object) -> SpanBuilder
  private final MethodHandle startSpan;          // (SpanBuilder) -> Span
  private final MethodHandle spanAttribute;      // (Span, AttributeKey, Object) -> Span
  private final MethodHandle updateName;         // (Span, String) -> Span
  private final MethodHandle addEvent;           // (Span, String, Attributes, long, TimeUnit) -> Span
  private final MethodHandle setStatus;          // (Span, StatusCode) -> Span
  private final MethodHandle end;                // (Span, long, TimeUnit) -> void
  private final MethodHandle spanContext;        // (Span) -> SpanContext
  private final MethodHandle attributesBuilder;  // () -> AttributesBuilder
  private final MethodHandle attributesPut;      // (AttributesBuilder, AttributeKey, Object) -> AttributesBuilder
  private final MethodHandle attributesBuild;    // (AttributesBuilder) -> Attributes
  private final Map<String, MethodHandle> keyFactories = new ConcurrentHashMap<>(); // AttributeType name -> (String) -> AttributeKey
  private final Object client;                   // SpanKind.CLIENT
  private final Object error;                    // StatusCode.ERROR
  private final ApplicationTrace.Api api;
  private final Map<AttributeKey<?>, Object> keys = new ConcurrentHashMap<>();

  ApplicationTracer(String prefix, ClassLoader loader, ApplicationTrace.Api api) throws ReflectiveOperationException {
    this.api = api;
    Class<?> global = Class.forName(prefix + "api.GlobalOpenTelemetry", false, loader);
    Class<?> tracerProvider = Class.forName(prefix + "api.trace.TracerProvider", false, loader);
    Class<?> tracerType = Class.forName(prefix + "api.trace.Tracer", false, loader);
    Class<?> builder = Class.forName(prefix + "api.trace.SpanBuilder", false, loader);
    Class<?> span = Class.forName(prefix + "api.trace.Span", false, loader);
    Class<?> spanContextType = Class.forName(prefix + "api.trace.SpanContext", false, loader);
    Class<?> kind = Class.forName(prefix + "api.trace.SpanKind", false, loader);
    Class<?> status = Class.forName(prefix + "api.trace.StatusCode", false, loader);
    Class<?> key = Class.forName(prefix + "api.common.AttributeKey", false, loader);
    Class<?> attributes = Class.forName(prefix + "api.common.Attributes", false, loader);
    Class<?> attrBuilder = Class.forName(prefix + "api.common.AttributesBuilder", false, loader);
    Class<?> context = Class.forName(prefix + "context.Context", false, loader);
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    isSet = lookup.findStatic(global, "isSet", MethodType.methodType(boolean.class));
    getTracer = lookup.findStatic(global, "getTracer", MethodType.methodType(tracerType, String.class, String.class))
        .asType(MethodType.methodType(Object.class, String.class, String.class));
    Object noopProvider = value(lookup.findStatic(tracerProvider, "noop", MethodType.methodType(tracerProvider)));
    noopTracer = value(MethodHandles.insertArguments(
        lookup.findVirtual(tracerProvider, "get", MethodType.methodType(tracerType, String.class, String.class)),
        0, noopProvider, INSTRUMENTATION_SCOPE, TollgateVersion.VERSION));
    spanBuilder = lookup.findVirtual(tracerType, "spanBuilder", MethodType.methodType(builder, String.class))
        .asType(MethodType.methodType(Object.class, Object.class, String.class));
    setParent = lookup.findVirtual(builder, "setParent", MethodType.methodType(builder, context))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class));
    setSpanKind = lookup.findVirtual(builder, "setSpanKind", MethodType.methodType(builder, kind))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class));
    setStartTimestamp = lookup.findVirtual(builder, "setStartTimestamp",
            MethodType.methodType(builder, long.class, TimeUnit.class))
        .asType(MethodType.methodType(Object.class, Object.class, long.class, TimeUnit.class));
    builderAttribute = lookup.findVirtual(builder, "setAttribute", MethodType.methodType(builder, key, Object.class))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class, Object.class));
    startSpan = lookup.findVirtual(builder, "startSpan", MethodType.methodType(span))
        .asType(MethodType.methodType(Object.class, Object.class));
    spanAttribute = lookup.findVirtual(span, "setAttribute", MethodType.methodType(span, key, Object.class))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class, Object.class));
    updateName = lookup.findVirtual(span, "updateName", MethodType.methodType(span, String.class))
        .asType(MethodType.methodType(Object.class, Object.class, String.class));
    addEvent = lookup.findVirtual(span, "addEvent",
            MethodType.methodType(span, String.class, attributes, long.class, TimeUnit.class))
        .asType(MethodType.methodType(Object.class, Object.class, String.class, Object.class, long.class, TimeUnit.class));
    setStatus = lookup.findVirtual(span, "setStatus", MethodType.methodType(span, status))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class));
    end = lookup.findVirtual(span, "end", MethodType.methodType(void.class, long.class, TimeUnit.class))
        .asType(MethodType.methodType(void.class, Object.class, long.class, TimeUnit.class));
    spanContext = lookup.findVirtual(span, "getSpanContext", MethodType.methodType(spanContextType))
        .asType(MethodType.methodType(Object.class, Object.class));
    attributesBuilder = lookup.findStatic(attributes, "builder", MethodType.methodType(attrBuilder))
        .asType(MethodType.methodType(Object.class));
    attributesPut = lookup.findVirtual(attrBuilder, "put", MethodType.methodType(attrBuilder, key, Object.class))
        .asType(MethodType.methodType(Object.class, Object.class, Object.class, Object.class));
    attributesBuild = lookup.findVirtual(attrBuilder, "build", MethodType.methodType(attributes))
        .asType(MethodType.methodType(Object.class, Object.class));
    String[][] factories = {{"STRING", "stringKey"}, {"BOOLEAN", "booleanKey"}, {"LONG", "longKey"},
        {"DOUBLE", "doubleKey"}, {"STRING_ARRAY", "stringArrayKey"}, {"BOOLEAN_ARRAY", "booleanArrayKey"},
        {"LONG_ARRAY", "longArrayKey"}, {"DOUBLE_ARRAY", "doubleArrayKey"}};
    for (String[] f : factories) {
      keyFactories.put(f[0], lookup.findStatic(key, f[1], MethodType.methodType(key, String.class))
          .asType(MethodType.methodType(Object.class, String.class)));
    }
    client = value(lookup.findStaticGetter(kind, "CLIENT", kind));
    error = value(lookup.findStaticGetter(status, "ERROR", status));
  }

  /** A constant read once at binding time. */
  private static Object value(MethodHandle noArguments) throws ReflectiveOperationException {
    try {
      return noArguments.invoke();
    } catch (Throwable t) {
      throw new ReflectiveOperationException("could not read a constant of the application's OpenTelemetry API", t);
    }
  }

  /**
   * The application's tracer for scope {@code dev.tollgate}; null while the application has not
   * registered a {@code GlobalOpenTelemetry}, or registered the no-op one.
   */
  Object tracer() throws Throwable {
    // asked per call (two map look-ups in the SDK), not kept: the global is the application's
    // to register, possibly after Tollgate's first call
    if (!(boolean) isSet.invokeExact()) {
      return null;
    }
    Object t = (Object) getTracer.invokeExact(INSTRUMENTATION_SCOPE, TollgateVersion.VERSION);
    return t == noopTracer ? null : t;
  }

  /**
   * Starts the call's span through the application's tracer: kind CLIENT, the call's start time,
   * the attributes samplers see, child of {@code parentContext} (the application's context at
   * call start).
   */
  ApplicationSpan start(Object tracer, CallRecord r, Object parentContext) throws Throwable {
    String name = CallAttributes.spanName(r);
    Object builder = (Object) spanBuilder.invokeExact(tracer, name);
    builder = (Object) setSpanKind.invokeExact(builder, client);
    builder = (Object) setParent.invokeExact(builder, parentContext);
    builder = (Object) setStartTimestamp.invokeExact(builder, r.startEpochNanos, TimeUnit.NANOSECONDS);
    Attributes start = CallAttributes.start(r);
    for (Map.Entry<AttributeKey<?>, Object> a : start.asMap().entrySet()) {
      Object key = key(a.getKey());
      if (key != null) {
        builder = (Object) builderAttribute.invokeExact(builder, key, a.getValue());
      }
    }
    return new ApplicationSpan((Object) startSpan.invokeExact(builder), name, start);
  }

  /** The application's attribute key for one of Tollgate's; null for a type it cannot have. */
  private Object key(AttributeKey<?> ours) throws Throwable {
    Object theirs = keys.get(ours);
    if (theirs != null) {
      return theirs;
    }
    MethodHandle factory = keyFactories.get(ours.getType().name());
    if (factory == null) {
      return null;
    }
    theirs = (Object) factory.invokeExact(ours.getKey());
    if (keys.size() < MAX_CACHED_KEYS) {
      keys.put(ours, theirs);
    }
    return theirs;
  }

  /** Tollgate's attributes as the application's {@code Attributes}, for a span event. */
  private Object attributes(Attributes ours) throws Throwable {
    Object builder = (Object) attributesBuilder.invokeExact();
    for (Map.Entry<AttributeKey<?>, Object> a : ours.asMap().entrySet()) {
      Object key = key(a.getKey());
      if (key != null) {
        builder = (Object) attributesPut.invokeExact(builder, key, a.getValue());
      }
    }
    return (Object) attributesBuild.invokeExact(builder);
  }

  /** One call's span in the application's SDK, started at call start and ended when the call ends. */
  final class ApplicationSpan {
    private final Object span;
    private final String startName;
    private final Attributes startAttributes;
    private String traceId;
    private String spanId;
    private byte traceFlags;

    private ApplicationSpan(Object span, String startName, Attributes startAttributes) {
      this.span = span;
      this.startName = startName;
      this.startAttributes = startAttributes;
    }

    /** The span, as the application's {@code Span}: made current around each attempt. */
    Object span() {
      return span;
    }

    /**
     * Ends the span with everything the record knows: what changed since the start (a model
     * learnt from the response), every end attribute, the error status, the attempt and alert
     * events, the call's end time.
     */
    void end(CallRecord r) throws Throwable {
      String name = CallAttributes.spanName(r);
      if (!name.equals(startName)) {
        Object renamed = (Object) updateName.invokeExact(span, name);
      }
      Attributes start = CallAttributes.start(r);
      if (!start.equals(startAttributes)) {
        for (Map.Entry<AttributeKey<?>, Object> a : start.asMap().entrySet()) {
          set(a.getKey(), a.getValue());
        }
      }
      Throwable[] failed = new Throwable[1];
      CallAttributes.end(r, new CallAttributes.Sink() {
        @Override
        public <T> void put(AttributeKey<T> key, T value) {
          if (failed[0] == null) {
            try {
              set(key, value);
            } catch (Throwable t) {
              failed[0] = t;
            }
          }
        }
      });
      if (failed[0] != null) {
        throw failed[0];
      }
      if (r.errorType != null) {
        Object withStatus = (Object) setStatus.invokeExact(span, error);
      }
      for (CallRecord.Attempt a : r.attempts) {
        Object withEvent = (Object) addEvent.invokeExact(span, ATTEMPT_EVENT, attributes(CallAttributes.attempt(a)),
            a.startEpochNanos, TimeUnit.NANOSECONDS);
      }
      for (CallRecord.Alert a : r.alerts) {
        Object withEvent = (Object) addEvent.invokeExact(span, ALERT_EVENT, attributes(CallAttributes.alert(a)),
            a.epochNanos, TimeUnit.NANOSECONDS);
      }
      if (!r.alerts.isEmpty()) { // the alert log records (Tollgate's own SDK) name this span
        Object context = (Object) spanContext.invokeExact(span);
        traceId = api.traceId(context);
        spanId = api.spanId(context);
        traceFlags = api.traceFlags(context);
      }
      end.invokeExact(span, OtelTelemetry.endEpochNanos(r), TimeUnit.NANOSECONDS);
    }

    private void set(AttributeKey<?> ours, Object value) throws Throwable {
      Object key = key(ours);
      if (key != null) {
        Object same = (Object) spanAttribute.invokeExact(span, key, value);
      }
    }

    /** After {@link #end}, for a call with alerts: the span's ids, so the alert log records name it. */
    String traceId() {
      return traceId;
    }

    String spanId() {
      return spanId;
    }

    byte traceFlags() {
      return traceFlags;
    }
  }
}
