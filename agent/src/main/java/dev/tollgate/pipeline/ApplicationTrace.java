package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.telemetry.CallRecord;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.SoftReference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Reads the application's current span and baggage at call start, so Tollgate's span joins the
 * application's trace.
 *
 * <p>Why this detour: Tollgate's OpenTelemetry is relocated ({@code dev.tollgate.shaded.io.opentelemetry}),
 * so its {@code Context.current()} never sees the application's spans. Those live in the
 * unrelocated API: the application's own copy (an app that sets up the SDK, Micrometer's
 * OpenTelemetry bridge, or any app under the OpenTelemetry Java agent, which bridges that copy
 * to its own context), found through the calling thread's context class loader; or, when the
 * application has no API of its own, the copy the OpenTelemetry Java agent keeps on the bootstrap
 * class path ({@code io.opentelemetry.javaagent.shaded.io.opentelemetry.api}). Both are called
 * through {@link MethodHandle}s resolved once per class loader (no reflective look-up per call),
 * and the values are copied out as plain strings and bytes ({@link CallRecord.ParentSpan}).
 * No API anywhere, or no current span: nothing is recorded and the call goes on exactly as
 * before. Any failure is logged once and treated the same way.
 *
 * <p>Class names are assembled at run time: the agent jar's build relocates every string
 * constant that starts with {@code io.opentelemetry}, which would point these look-ups at
 * Tollgate's own copy.
 */
final class ApplicationTrace {
  private static final String OTEL = String.join(".", "io", "opentelemetry");
  /** The application's own API. */
  private static final String APP_API = OTEL + ".";
  /** The OpenTelemetry Java agent's copy, appended to the bootstrap class path by that agent. */
  private static final String JAVA_AGENT_API = OTEL + ".javaagent.shaded." + OTEL + ".";

  /** Resolved handles of one copy of the OpenTelemetry API. */
  static final class Api {
    private final MethodHandle currentSpanContext; // () -> SpanContext
    private final MethodHandle isValid;            // (SpanContext) -> boolean
    private final MethodHandle traceId;            // (SpanContext) -> String
    private final MethodHandle spanId;             // (SpanContext) -> String
    private final MethodHandle traceFlags;         // (SpanContext) -> byte
    private final MethodHandle traceState;         // (SpanContext) -> Map
    private final MethodHandle isRemote;           // (SpanContext) -> boolean
    private final MethodHandle currentBaggage;     // () -> Baggage
    private final MethodHandle baggageValue;       // (Baggage, String) -> String
    private final MethodHandle currentContext;     // () -> Context
    private final MethodHandle traceStateOf;       // (SpanContext) -> TraceState
    private final MethodHandle flagsFromByte;      // (byte) -> TraceFlags
    private final MethodHandle createSpanContext;  // (String, String, TraceFlags, TraceState) -> SpanContext
    private final MethodHandle wrapSpan;           // (SpanContext) -> Span
    private final MethodHandle storeInContext;     // (Span, Context) -> Context
    private final MethodHandle makeCurrent;        // (Context) -> Scope
    private final MethodHandle closeScope;         // (Scope) -> void
    private final String prefix;
    private final ClassLoader loader;
    /** The application's global tracer ({@code tollgate.otel.use-global}), bound on first use; or {@link #NO_API}. */
    private volatile Object tracer;

    private Api(String prefix, ClassLoader loader) throws ReflectiveOperationException {
      this.prefix = prefix;
      this.loader = loader;
      Class<?> span = Class.forName(prefix + "api.trace.Span", false, loader);
      Class<?> spanContext = Class.forName(prefix + "api.trace.SpanContext", false, loader);
      Class<?> flags = Class.forName(prefix + "api.trace.TraceFlags", false, loader);
      Class<?> state = Class.forName(prefix + "api.trace.TraceState", false, loader);
      Class<?> baggage = Class.forName(prefix + "api.baggage.Baggage", false, loader);
      Class<?> context = Class.forName(prefix + "context.Context", false, loader);
      Class<?> scope = Class.forName(prefix + "context.Scope", false, loader);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      currentSpanContext = MethodHandles.filterReturnValue(
              lookup.findStatic(span, "current", MethodType.methodType(span)),
              lookup.findVirtual(span, "getSpanContext", MethodType.methodType(spanContext)))
          .asType(MethodType.methodType(Object.class));
      isValid = lookup.findVirtual(spanContext, "isValid", MethodType.methodType(boolean.class))
          .asType(MethodType.methodType(boolean.class, Object.class));
      isRemote = lookup.findVirtual(spanContext, "isRemote", MethodType.methodType(boolean.class))
          .asType(MethodType.methodType(boolean.class, Object.class));
      traceId = lookup.findVirtual(spanContext, "getTraceId", MethodType.methodType(String.class))
          .asType(MethodType.methodType(String.class, Object.class));
      spanId = lookup.findVirtual(spanContext, "getSpanId", MethodType.methodType(String.class))
          .asType(MethodType.methodType(String.class, Object.class));
      traceFlags = MethodHandles.filterReturnValue(
              lookup.findVirtual(spanContext, "getTraceFlags", MethodType.methodType(flags)),
              lookup.findVirtual(flags, "asByte", MethodType.methodType(byte.class)))
          .asType(MethodType.methodType(byte.class, Object.class));
      traceState = MethodHandles.filterReturnValue(
              lookup.findVirtual(spanContext, "getTraceState", MethodType.methodType(state)),
              lookup.findVirtual(state, "asMap", MethodType.methodType(Map.class)))
          .asType(MethodType.methodType(Map.class, Object.class));
      currentBaggage = lookup.findStatic(baggage, "current", MethodType.methodType(baggage))
          .asType(MethodType.methodType(Object.class));
      baggageValue = lookup.findVirtual(baggage, "getEntryValue", MethodType.methodType(String.class, String.class))
          .asType(MethodType.methodType(String.class, Object.class, String.class));
      currentContext = lookup.findStatic(context, "current", MethodType.methodType(context))
          .asType(MethodType.methodType(Object.class));
      traceStateOf = lookup.findVirtual(spanContext, "getTraceState", MethodType.methodType(state))
          .asType(MethodType.methodType(Object.class, Object.class));
      flagsFromByte = lookup.findStatic(flags, "fromByte", MethodType.methodType(flags, byte.class))
          .asType(MethodType.methodType(Object.class, byte.class));
      createSpanContext = lookup.findStatic(spanContext, "create",
              MethodType.methodType(spanContext, String.class, String.class, flags, state))
          .asType(MethodType.methodType(Object.class, String.class, String.class, Object.class, Object.class));
      wrapSpan = lookup.findStatic(span, "wrap", MethodType.methodType(span, spanContext))
          .asType(MethodType.methodType(Object.class, Object.class));
      storeInContext = lookup.findVirtual(span, "storeInContext", MethodType.methodType(context, context))
          .asType(MethodType.methodType(Object.class, Object.class, Object.class));
      makeCurrent = lookup.findVirtual(context, "makeCurrent", MethodType.methodType(scope))
          .asType(MethodType.methodType(Object.class, Object.class));
      closeScope = lookup.findVirtual(scope, "close", MethodType.methodType(void.class))
          .asType(MethodType.methodType(void.class, Object.class));
    }

    String traceId(Object spanContext) throws Throwable {
      return (String) traceId.invokeExact(spanContext);
    }

    String spanId(Object spanContext) throws Throwable {
      return (String) spanId.invokeExact(spanContext);
    }

    byte traceFlags(Object spanContext) throws Throwable {
      return (byte) traceFlags.invokeExact(spanContext);
    }

    /**
     * The handles that emit through this copy's {@code GlobalOpenTelemetry}, bound once; null
     * when they can't be (an API without {@code GlobalOpenTelemetry.isSet()}, for one).
     */
    ApplicationTracer tracer() {
      Object t = tracer;
      if (t == null) {
        try {
          t = new ApplicationTracer(prefix, loader, this);
        } catch (ReflectiveOperationException | LinkageError e) {
          TollgateLog.warnOnce("use-global:bind", "tollgate.otel.use-global: the application's OpenTelemetry API "
              + "lacks what Tollgate needs (" + e + "; GlobalOpenTelemetry.isSet() came with API 1.57.0); "
              + "call spans go through Tollgate's own SDK");
          t = NO_API;
        }
        tracer = t;
      }
      return t == NO_API ? null : (ApplicationTracer) t;
    }

    /** A span context as plain values; null when it is not valid (no current span). */
    CallRecord.ParentSpan currentSpan(Object context) throws Throwable {
      if (context == null || !(boolean) isValid.invokeExact(context)) {
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, String> state = (Map<String, String>) traceState.invokeExact(context);
      return new CallRecord.ParentSpan((String) traceId.invokeExact(context), (String) spanId.invokeExact(context),
          (byte) traceFlags.invokeExact(context),
          state == null || state.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(state)),
          (boolean) isRemote.invokeExact(context));
    }

    /** Copies the named baggage entries that are present into {@code into}. */
    void baggage(List<String> names, Map<String, String> into) throws Throwable {
      Object baggage = (Object) currentBaggage.invokeExact();
      if (baggage == null) {
        return;
      }
      for (String name : names) {
        String value = (String) baggageValue.invokeExact(baggage, name);
        if (value != null) {
          into.put(name, value);
        }
      }
    }
  }

  /**
   * Cached per class loader: the API it sees, or {@link #NO_API}. Weak keys, soft values: the
   * handles pin their own loader, so a strongly held value would keep a discarded loader alive.
   */
  private static final Map<ClassLoader, SoftReference<Object>> BY_LOADER = new WeakHashMap<>();
  private static final Object NO_API = new Object();
  /** The OpenTelemetry Java agent's bootstrap copy: resolved once, {@link #NO_API} when absent. */
  private static volatile Object javaAgentApi;

  private ApplicationTrace() {}

  /**
   * Copies the application's current span ({@link CallRecord#parent}) and the named baggage
   * entries (into {@link CallRecord#properties}) into the record. With {@code nest}, and a current
   * span, also picks the call span's id ({@link CallRecord#presetSpanId}) and returns what
   * {@link Captured#enter} needs to make that span current in the application's context. With
   * {@code useGlobal}, returns the application's context whenever it has an API, so that
   * {@link Captured#startApplicationSpan} can start the call's span in the application's SDK once
   * the request is read. Else null. Never throws.
   */
  static Captured capture(CallRecord r, List<String> baggageNames, boolean nest) {
    return capture(r, baggageNames, nest, false);
  }

  /** As {@link #capture(CallRecord, List, boolean)}; with {@code useGlobal}, see {@link Captured#startApplicationSpan}. */
  static Captured capture(CallRecord r, List<String> baggageNames, boolean nest, boolean useGlobal) {
    try {
      Api api = apiFor(Thread.currentThread().getContextClassLoader());
      if (api == null) {
        if (useGlobal) {
          TollgateLog.warnOnce("use-global:no-api", "tollgate.otel.use-global=true, but the application has no "
              + "OpenTelemetry API; call spans go through Tollgate's own SDK");
        }
        return null;
      }
      if (!baggageNames.isEmpty()) {
        api.baggage(baggageNames, r.properties);
      }
      Object spanContext = (Object) api.currentSpanContext.invokeExact();
      CallRecord.ParentSpan parent = api.currentSpan(spanContext);
      r.parent = parent;
      if (useGlobal) {
        return new Captured(api, (Object) api.currentContext.invokeExact(), nest, spanContext);
      }
      if (parent == null || !nest) {
        return null;
      }
      Captured captured = new Captured(api, (Object) api.currentContext.invokeExact(), true, spanContext);
      captured.presetSpanId(r);
      return captured;
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:app-trace:" + t.getClass().getName(),
          "could not read the application's current OpenTelemetry span; the call's span starts a trace of its own", t);
      return null;
    }
  }

  /** Contexts remembered at an asynchronous hand-off ({@link #remember}), by the client's call object. */
  private static final Map<Object, Remembered> HANDED_OFF = new WeakHashMap<>();

  /**
   * At an asynchronous hand-off on the application's thread (OkHttp's {@code enqueue}): keeps the
   * application's current context for {@code call} when it has a current span, so the client
   * thread that starts the call can {@link #resume} it. Never throws.
   */
  static void remember(Object call) {
    try {
      Api api = apiFor(Thread.currentThread().getContextClassLoader());
      if (api == null) {
        return;
      }
      Object spanContext = (Object) api.currentSpanContext.invokeExact();
      if (spanContext == null || !(boolean) api.isValid.invokeExact(spanContext)) {
        return;
      }
      Remembered remembered = new Remembered(api, (Object) api.currentContext.invokeExact());
      synchronized (HANDED_OFF) {
        HANDED_OFF.put(call, remembered);
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:app-trace-remember:" + t.getClass().getName(),
          "could not keep the application's OpenTelemetry context for an asynchronous call", t);
    }
  }

  /**
   * On the client's thread: makes the context {@link #remember}ed for {@code call} current, once,
   * unless a span is already current there (someone else carried the context over). Never throws.
   */
  static ApplicationSpanScope resume(Object call) {
    Remembered remembered;
    synchronized (HANDED_OFF) {
      remembered = HANDED_OFF.isEmpty() ? null : HANDED_OFF.remove(call);
    }
    if (remembered == null) {
      return ApplicationSpanScope.NONE;
    }
    try {
      // only where the context was lost: the OpenTelemetry Java agent restores its own for OkHttp's
      // dispatcher (with per-call state its interceptors share), which must not be replaced
      Object current = (Object) remembered.api.currentSpanContext.invokeExact();
      if (current != null && (boolean) remembered.api.isValid.invokeExact(current)) {
        return ApplicationSpanScope.NONE;
      }
      return new ApplicationSpanScope(remembered.api.closeScope,
          (Object) remembered.api.makeCurrent.invokeExact(remembered.context));
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:app-trace-resume:" + t.getClass().getName(),
          "could not restore the application's OpenTelemetry context for an asynchronous call", t);
      return ApplicationSpanScope.NONE;
    }
  }

  private static final class Remembered {
    final Api api;
    final Object context;

    Remembered(Api api, Object context) {
      this.api = api;
      this.context = context;
    }
  }

  private static String randomSpanId() {
    long id;
    do {
      id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return String.format("%016x", id);
  }

  /**
   * The application's context at call start and the call span's identity: what an attempt needs
   * to run with Tollgate's span current in the application's context, so the application's HTTP
   * client instrumentation (the OpenTelemetry Java agent's) starts its attempt span as a child of
   * Tollgate's call span. That span is either the one started in the application's SDK
   * ({@code tollgate.otel.use-global}), or one Tollgate's SDK will create at the call's end with
   * the id preset here.
   */
  static final class Captured {
    private final Api api;
    private final Object applicationContext;
    private final boolean nest;
    /** The application's span context current at call start (valid or not). */
    private final Object parentSpanContext;
    private String traceId;
    private Object traceFlags;
    private Object traceState;
    private String spanId;
    private ApplicationTracer.ApplicationSpan applicationSpan;

    private Captured(Api api, Object applicationContext, boolean nest, Object parentSpanContext) {
      this.api = api;
      this.applicationContext = applicationContext;
      this.nest = nest;
      this.parentSpanContext = parentSpanContext;
    }

    /** Tollgate's SDK records the span: it takes an id picked now, which attempts make current. */
    private void presetSpanId(CallRecord r) throws Throwable {
      r.presetSpanId = randomSpanId();
      traceId = r.parent.traceId;
      spanId = r.presetSpanId;
      traceFlags = (Object) api.flagsFromByte.invokeExact(r.parent.traceFlags);
      traceState = (Object) api.traceStateOf.invokeExact(parentSpanContext);
    }

    /**
     * {@code tollgate.otel.use-global}: starts the call's span through the application's
     * {@code GlobalOpenTelemetry}, under the context the call started in. When there is no
     * usable global (none registered, the no-op, any failure), one warning, and the span is left
     * to Tollgate's SDK as without the setting. Never throws.
     */
    void startApplicationSpan(CallRecord r) {
      try {
        ApplicationTracer tracer = api.tracer();
        Object appTracer = tracer == null ? null : tracer.tracer();
        if (appTracer != null) {
          applicationSpan = tracer.start(appTracer, r, applicationContext);
          return;
        }
        if (tracer != null) {
          TollgateLog.warnOnce("use-global:unset", "tollgate.otel.use-global=true, but the application has not "
              + "registered a GlobalOpenTelemetry (or registered the no-op); call spans go through Tollgate's own "
              + "SDK until it does");
        }
      } catch (Throwable t) {
        TollgateLog.warnOnce("use-global:start:" + t.getClass().getName(), "tollgate.otel.use-global: could not "
            + "start a span through the application's GlobalOpenTelemetry; this call's span goes through "
            + "Tollgate's own SDK", t);
      }
      if (nest && r.parent != null) {
        try {
          presetSpanId(r);
        } catch (Throwable t) {
          r.presetSpanId = null;
          spanId = null;
        }
      }
    }

    /** The call's span in the application's SDK; null when Tollgate's own SDK records it. */
    ApplicationTracer.ApplicationSpan applicationSpan() {
      return applicationSpan;
    }

    /** Makes the call's span current (over the call start's context) until the scope is closed. Never throws. */
    ApplicationSpanScope enter() {
      if (!nest || (applicationSpan == null && spanId == null)) {
        return ApplicationSpanScope.NONE;
      }
      try {
        Object span = applicationSpan != null ? applicationSpan.span()
            : (Object) api.wrapSpan.invokeExact((Object) api.createSpanContext.invokeExact(traceId, spanId, traceFlags, traceState));
        Object context = (Object) api.storeInContext.invokeExact(span, applicationContext);
        return new ApplicationSpanScope(api.closeScope, (Object) api.makeCurrent.invokeExact(context));
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:app-trace-enter:" + t.getClass().getName(),
            "could not make the call's span current for the application's HTTP client spans", t);
        return ApplicationSpanScope.NONE;
      }
    }
  }

  /** The API the application's code on this loader sees; null when there is none. */
  static Api apiFor(ClassLoader loader) {
    ClassLoader key = loader != null ? loader : ClassLoader.getSystemClassLoader();
    Object found;
    synchronized (BY_LOADER) {
      SoftReference<Object> ref = BY_LOADER.get(key);
      found = ref == null ? null : ref.get();
    }
    if (found == null) {
      found = resolve(key);
      synchronized (BY_LOADER) {
        BY_LOADER.put(key, new SoftReference<>(found));
      }
    }
    return found == NO_API ? null : (Api) found;
  }

  private static Object resolve(ClassLoader loader) {
    try {
      return new Api(APP_API, loader);
    } catch (ReflectiveOperationException | LinkageError e) {
      return javaAgentApi();
    }
  }

  private static Object javaAgentApi() {
    Object api = javaAgentApi;
    if (api == null) {
      try {
        api = new Api(JAVA_AGENT_API, null);
      } catch (ReflectiveOperationException | LinkageError e) {
        api = NO_API;
      }
      javaAgentApi = api;
    }
    return api;
  }
}
