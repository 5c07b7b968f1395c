package dev.tollgate.telemetry;

import static dev.tollgate.telemetry.GenAiAttributes.*;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * How to record: one CLIENT span per logical LLM call and the GenAI metrics, through an
 * {@link OpenTelemetry} instance (Tollgate's own autoconfigured SDK in the agent, an
 * in-memory SDK in tests).
 *
 * <p>The span starts when the call starts (with the attributes samplers should see) and
 * ends when the last response byte has passed; everything else is set at the end from the
 * finished {@link CallRecord}.
 */
public final class OtelTelemetry {
  static final List<Double> DURATION_BUCKETS = List.of(
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  static final List<Long> TOKEN_BUCKETS = List.of(
      1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
      16777216L, 67108864L);

  private final Tracer tracer;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram duration;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleCounter cost;
  private final LongCounter requests;
  private final LongConsumer flushAtExit;
  private final Logger alertLog;
  private final Meter meter;
  private final MetricAttributeSets metricSets;
  private final DoubleCounter cacheSaved;
  private final ProviderLimitGauges providerLimits;

  public OtelTelemetry(OpenTelemetry otel) {
    this(otel, timeoutMillis -> { });
  }

  /**
   * @param flushAtExit exports what is pending, waiting at most the given milliseconds; called
   *     once, from the JVM's exit (see {@link TelemetrySdk#flushAtExit})
   */
  public OtelTelemetry(OpenTelemetry otel, LongConsumer flushAtExit) {
    this(otel, flushAtExit, MetricDimensions.none());
  }

  /** @param dimensions the call attributes ({@code tollgate.metrics.attributes}) added to every metric */
  public OtelTelemetry(OpenTelemetry otel, LongConsumer flushAtExit, MetricDimensions dimensions) {
    this.flushAtExit = flushAtExit;
    this.metricSets = new MetricAttributeSets(dimensions);
    this.tracer = otel.getTracer(INSTRUMENTATION_SCOPE, TollgateVersion.VERSION);
    this.alertLog = otel.getLogsBridge().get(INSTRUMENTATION_SCOPE);
    Meter meter = otel.getMeter(INSTRUMENTATION_SCOPE);
    this.meter = meter;
    this.tokenUsage = meter.histogramBuilder(METRIC_TOKEN_USAGE)
        .setDescription("Number of input and output tokens used")
        .setUnit("{token}")
        .ofLongs()
        .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
        .build();
    this.duration = meter.histogramBuilder(METRIC_OPERATION_DURATION)
        .setDescription("GenAI operation duration")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
    this.timeToFirstChunk = meter.histogramBuilder(METRIC_TIME_TO_FIRST_CHUNK)
        .setDescription("Time to receive the first chunk of a streamed response")
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
    this.cost = meter.counterBuilder(METRIC_COST)
        .setDescription("What the provider charged for LLM calls, from the price table")
        .setUnit("USD")
        .ofDoubles()
        .build();
    this.requests = meter.counterBuilder(METRIC_REQUESTS)
        .setDescription("LLM calls handled by Tollgate")
        .setUnit("{request}")
        .build();
    this.cacheSaved = meter.counterBuilder(METRIC_CACHE_SAVED)
        .setDescription("What the calls answered from the cache would have cost")
        .setUnit("USD")
        .ofDoubles()
        .build();
    this.providerLimits = new ProviderLimitGauges(meter);
  }

  /**
   * Reports budgets as gauges ({@value GenAiAttributes#METRIC_BUDGET_SPENT},
   * {@value GenAiAttributes#METRIC_BUDGET_LIMIT}), read from {@code readings} each time metrics
   * are collected.
   */
  public void observeBudgets(Supplier<List<BudgetReading>> readings) {
    meter.gaugeBuilder(METRIC_BUDGET_SPENT)
        .setDescription("What each budget has spent in its current window")
        .setUnit("USD")
        .buildWithCallback(m -> {
          for (BudgetReading r : readings.get()) {
            m.record(r.spentUsd, r.attributes());
          }
        });
    meter.gaugeBuilder(METRIC_BUDGET_LIMIT)
        .setDescription("Each budget's amount per window")
        .setUnit("USD")
        .buildWithCallback(m -> {
          for (BudgetReading r : readings.get()) {
            m.record(r.limitUsd, r.attributes());
          }
        });
  }

  /** One budget ledger's state, for the budget gauges. */
  public static final class BudgetReading {
    final String name;
    final String scopeValue;
    final double spentUsd;
    final double limitUsd;

    /** @param scopeValue the user, model or property value of a scoped budget; null for a global one */
    public BudgetReading(String name, String scopeValue, double spentUsd, double limitUsd) {
      this.name = name;
      this.scopeValue = scopeValue;
      this.spentUsd = spentUsd;
      this.limitUsd = limitUsd;
    }

    Attributes attributes() {
      return scopeValue == null ? Attributes.of(BUDGET_NAME, name)
          : Attributes.of(BUDGET_NAME, name, BUDGET_SCOPE_VALUE, scopeValue);
    }
  }

  /** At JVM exit: export what is pending, waiting at most {@code timeoutMillis}. */
  public void flushAtExit(long timeoutMillis) {
    flushAtExit.accept(timeoutMillis);
  }

  /**
   * Starts the call's span: a child of the application's span that was current at call start
   * ({@link CallRecord#parent}), else of the current context. The parent's sampled flag goes
   * to the sampler (by default {@code parentbased_always_on}: an unsampled parent gives a
   * span that is not recorded; the metrics still count the call). The span takes
   * {@link CallRecord#presetSpanId} (and, with no parent, {@link CallRecord#presetTraceId}) when
   * the SDK was built with {@link PresetSpanIds}.
   */
  public CallSpan start(CallRecord r) {
    String name = CallAttributes.spanName(r);
    boolean presetTrace = r.presetTraceId != null && r.parent == null;
    SpanBuilder builder = tracer.spanBuilder(name)
        .setSpanKind(SpanKind.CLIENT)
        // a preset trace id is only asked for by a span without a parent
        .setParent(presetTrace ? Context.root() : parentContext(r.parent))
        .setStartTimestamp(r.startEpochNanos, TimeUnit.NANOSECONDS)
        .setAllAttributes(CallAttributes.start(r));
    Span span;
    if (r.presetSpanId == null && !presetTrace) {
      span = builder.startSpan();
    } else {
      PresetSpanIds.next(r.presetSpanId);
      PresetSpanIds.nextTrace(presetTrace ? r.presetTraceId : null);
      try {
        span = builder.startSpan();
      } finally {
        PresetSpanIds.next(null);
        PresetSpanIds.nextTrace(null);
      }
    }
    return new CallSpan(span, name, r);
  }

  static Context parentContext(CallRecord.ParentSpan parent) {
    if (parent == null) {
      return Context.current();
    }
    TraceStateBuilder state = TraceState.builder();
    List<Map.Entry<String, String>> entries = new ArrayList<>(parent.traceState.entrySet());
    for (int i = entries.size() - 1; i >= 0; i--) { // the builder puts each new entry first
      state.put(entries.get(i).getKey(), entries.get(i).getValue());
    }
    TraceFlags flags = TraceFlags.fromByte(parent.traceFlags);
    SpanContext context = parent.remote
        ? SpanContext.createFromRemoteParent(parent.traceId, parent.spanId, flags, state.build())
        : SpanContext.create(parent.traceId, parent.spanId, flags, state.build());
    return context.isValid() ? Context.root().with(Span.wrap(context)) : Context.current();
  }

  /**
   * Ends the span with everything the record knows, and records the metrics. What the span
   * started with is set again only where it changed since (a model learnt from the response).
   */
  public void end(CallSpan callSpan, CallRecord r) {
    Span span = callSpan.span;
    callSpan.updateStart(r);
    CallAttributes.end(r, CallAttributes.of(span));
    if (r.errorType != null) {
      span.setStatus(StatusCode.ERROR);
    }
    for (CallRecord.Attempt a : r.attempts) {
      span.addEvent(ATTEMPT_EVENT, CallAttributes.attempt(a), a.startEpochNanos, TimeUnit.NANOSECONDS);
    }
    for (CallRecord.Alert a : r.alerts) {
      span.addEvent(ALERT_EVENT, CallAttributes.alert(a), a.epochNanos, TimeUnit.NANOSECONDS);
    }
    emitAlertLogs(r, span);
    span.end(endEpochNanos(r), TimeUnit.NANOSECONDS);
    recordMetrics(r);
  }

  /**
   * For a call whose span the application's own OpenTelemetry emitted
   * ({@code tollgate.otel.use-global}): the metrics, and the alert log records, which name that
   * span (trace and span id) as Tollgate's own span would be named.
   */
  public void recordBesideApplicationSpan(CallRecord r, String traceId, String spanId, byte traceFlags) {
    if (!r.alerts.isEmpty()) {
      SpanContext context = SpanContext.create(traceId, spanId, TraceFlags.fromByte(traceFlags), TraceState.getDefault());
      emitAlertLogs(r, Span.wrap(context));
    }
    recordMetrics(r);
  }

  /** When the call ended, in epoch nanoseconds (its start's wall clock plus its monotonic duration). */
  public static long endEpochNanos(CallRecord r) {
    return r.startEpochNanos + (r.endNanos - r.startNanos);
  }

  private void emitAlertLogs(CallRecord r, Span span) {
    for (CallRecord.Alert a : r.alerts) {
      alertLog.logRecordBuilder()
          .setContext(Context.current().with(span))
          .setTimestamp(a.epochNanos, TimeUnit.NANOSECONDS)
          .setSeverity(Severity.WARN)
          .setSeverityText("WARN")
          .setBody(a.message)
          .setAllAttributes(CallAttributes.alert(a))
          .emit();
    }
  }

  private void recordMetrics(CallRecord r) {
    MetricAttributeSets.Sets sets = metricSets.of(r);
    if (r.inputTokens != null) {
      tokenUsage.record(r.inputTokens, sets.inputTokens);
    }
    if (r.outputTokens != null) {
      tokenUsage.record(r.outputTokens, sets.outputTokens);
    }
    duration.record(r.durationSeconds(), sets.duration);
    if (Boolean.TRUE.equals(r.stream) && r.firstChunkNanos != 0) {
      timeToFirstChunk.record(r.timeToFirstChunkSeconds(), sets.base);
    }
    if (r.costUsd != null) {
      cost.add(r.costUsd, sets.base);
    }
    requests.add(1, sets.requests);
    if (r.cacheSavedUsd != null) {
      cacheSaved.add(r.cacheSavedUsd, sets.base);
    }
    providerLimits.update(r, sets);
  }

  /** The handle of one started call span, with what it started with. */
  public static final class CallSpan {
    final Span span;
    private final String name;
    private final String operation;
    private final String provider;
    private final String requestModel;
    private final String serverAddress;
    private final int serverPort;

    CallSpan(Span span, String name, CallRecord r) {
      this.span = span;
      this.name = name;
      this.operation = r.operation;
      this.provider = r.provider;
      this.requestModel = r.requestModel;
      this.serverAddress = r.serverAddress;
      this.serverPort = r.serverPort;
    }

    /** Sets again the start attributes (and name) that changed since the span started. */
    void updateStart(CallRecord r) {
      if (!Objects.equals(operation, r.operation) || !Objects.equals(requestModel, r.requestModel)
          || (requestModel == null && r.responseModel != null)) {
        String now = CallAttributes.spanName(r);
        if (!now.equals(name)) {
          span.updateName(now);
        }
      }
      setIfChanged(OPERATION_NAME, operation, r.operation);
      setIfChanged(PROVIDER_NAME, provider, r.provider);
      setIfChanged(REQUEST_MODEL, requestModel, r.requestModel);
      setIfChanged(SERVER_ADDRESS, serverAddress, r.serverAddress);
      if (r.serverAddress != null && r.serverPort > 0 && r.serverPort != serverPort) {
        span.setAttribute(SERVER_PORT, (long) r.serverPort);
      }
    }

    private void setIfChanged(io.opentelemetry.api.common.AttributeKey<String> key, String then, String now) {
      if (now != null && !now.equals(then)) {
        span.setAttribute(key, now);
      }
    }
  }
}
