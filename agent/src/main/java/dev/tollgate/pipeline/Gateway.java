package dev.tollgate.pipeline;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.alert.Alerts;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.Budgets;
import dev.tollgate.limit.Limits;
import dev.tollgate.policy.CallPolicies;
import dev.tollgate.policy.PolicyResolver;
import dev.tollgate.policy.ResponseCache;
import dev.tollgate.provider.Codecs;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.EndpointRecognizer;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.provider.ProviderCodec;
import dev.tollgate.report.HtmlReport;
import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client-neutral core of the pipeline: recognise an endpoint, start a call (codec reads
 * the request), finish it in two halves: what the next call must see (cache entry, pricing,
 * budgets), then what only telemetry needs (the span, created with the call's start time and
 * ended at once, metrics, report, console line).
 *
 * <p>Between {@link #start} and the transport sit the policies (cache, then fallback, then
 * retry), driven per call by a {@link PolicyDriver}: the adapter asks the call what to send
 * and tells it what came back. Rate limits and blocking budgets ({@link Limits}) admit the
 * call before the cache; every priced call's cost is counted against the budgets when it ends.
 *
 * <p>Heavy parts start lazily, off the JVM's start-up path: the OpenTelemetry SDK and the
 * price table are built on a background thread when the application builds its first HTTP
 * client (see {@link #warmUp}), or by the first LLM call if it comes sooner; never in premain.
 */
public final class Gateway {
  /** Prices a finished record: fills costUsd and pricingModel, or leaves it unpriced. */
  public interface PriceFunction {
    void price(CallRecord record, List<String> prefixes);
  }

  private final TollgateConfig config;
  private final EndpointRecognizer recognizer;
  private final Codecs codecs;
  private final Supplier<PriceFunction> pricerFactory;
  private final Supplier<OtelTelemetry> telemetryFactory;
  private final ConsoleReporter console;
  private final PolicyResolver policyResolver;
  /** {@code tollgate.report}: the HTML report fed by every finished call, or null. */
  private final HtmlReport report;
  private volatile ResponseCache responseCache;
  private final Supplier<Limits> limitsFactory;
  private volatile Limits limits;
  private final Object limitsLock = new Object();
  private final boolean alerting;
  private volatile Alerts alerts;
  private final Object alertsLock = new Object();
  // one lock per lazily built part: a cache look-up must not wait while the warm-up holds
  // the telemetry's lock to build the SDK
  private final Object cacheLock = new Object();
  private final Object pricerLock = new Object();
  private final Object telemetryLock = new Object();
  private volatile PriceFunction pricer;
  private volatile OtelTelemetry telemetry;
  private volatile boolean telemetryFailed;
  private final AtomicBoolean warming = new AtomicBoolean();
  private final AtomicBoolean exitHookInstalled = new AtomicBoolean();
  /** Calls that ended while the warm-up was still building the SDK or the price table. */
  private final ConcurrentLinkedQueue<Runnable> pendingEnds = new ConcurrentLinkedQueue<>();
  private volatile Thread warmUpThread;
  private final Object drainLock = new Object();
  /** Calls whose end is being completed right now (an exit waits for them before the flush). */
  private final AtomicInteger completing = new AtomicInteger();
  /** Where finished calls are recorded; null: on the thread that ends them (unit tests). */
  private volatile CallRecorder recorder;

  public Gateway(TollgateConfig config, Supplier<PriceFunction> pricerFactory,
      Supplier<OtelTelemetry> telemetryFactory) {
    this(config, pricerFactory, telemetryFactory,
        () -> new Limits(config.rateLimits(), config.budgets(), Ticker.systemTicker(), Clock.systemUTC()));
  }

  /** For tests: the rate limits and budgets on an injected clock. */
  Gateway(TollgateConfig config, Supplier<PriceFunction> pricerFactory, Supplier<OtelTelemetry> telemetryFactory,
      Supplier<Limits> limitsFactory) {
    this.limitsFactory = limitsFactory;
    this.config = config;
    this.alerting = !config.budgets().isEmpty() || config.alertsErrorRate() != null || config.alertsLatency() != null;
    this.recognizer = new EndpointRecognizer(config.endpoints(), config.detectByPath());
    this.codecs = new Codecs();
    this.pricerFactory = pricerFactory;
    this.telemetryFactory = telemetryFactory;
    this.console = config.console() ? new ConsoleReporter(System.err) : null;
    this.policyResolver = new PolicyResolver(config);
    this.report = HtmlReport.fromConfig(config);
    if (report != null && !config.budgets().isEmpty()) {
      report.showBudgets(() -> limits().budgets());
    }
    if (report != null) {
      installExitHook(); // the report is written at exit even when no HTTP client was ever built
    }
  }

  /**
   * Records finished calls on a thread of their own ({@link CallRecorder}) rather than on the
   * thread that ends them, which is often the application's. The agent turns this on.
   */
  public void recordOnOwnThread() {
    recorder = new CallRecorder(this::recordFinishedNow);
  }

  /**
   * Builds the SDK and the price table on a background daemon thread, once. Adapters call
   * this when the application builds an HTTP client that may make LLM calls, so the work
   * is done off the start-up path and, usually, before the first call needs it; a call that
   * comes first simply waits for it.
   */
  public void warmUp() {
    if (telemetry != null || !warming.compareAndSet(false, true)) {
      return;
    }
    installExitHook();
    try {
      Thread t = new Thread(() -> {
        try {
          telemetry();
          pricer();
        } catch (Throwable e) {
          TollgateLog.warnOnce("internal:warm-up", "background start-up failed", e);
        } finally {
          drainPendingEnds();
        }
      }, "tollgate-warm-up");
      t.setDaemon(true);
      warmUpThread = t;
      t.start();
    } catch (Throwable e) {
      warming.set(false); // calls build what they need themselves
      TollgateLog.warnOnce("internal:warm-up-thread", "could not start the warm-up thread", e);
    }
  }

  /**
   * Starts the warm-up if needed and waits for it (at most {@code timeoutMillis}): afterwards
   * calls end synchronously. For tests and for applications that want Tollgate ready
   * before their first call.
   */
  public void warmUpAndWait(long timeoutMillis) throws InterruptedException {
    warmUp();
    Thread t = warmUpThread;
    if (t != null) {
      t.join(timeoutMillis);
    }
  }

  /** True while the warm-up still builds what a call's end needs: the call then defers its end. */
  private boolean warmingUp() {
    return warming.get() && ((telemetry == null && !telemetryFailed) || pricer == null);
  }

  /** Completes the deferred ends, one thread at a time, in the order the calls ended. */
  private void drainPendingEnds() {
    synchronized (drainLock) {
      Runnable end;
      while ((end = pendingEnds.poll()) != null) {
        end.run();
      }
    }
  }

  /**
   * At JVM exit: let the warm-up finish, end the calls that waited for it, write the HTML
   * report ({@code tollgate.report}), then export what is pending — all within
   * {@code tollgate.shutdown-timeout}. One hook, so nothing is flushed (or reported) before
   * the last deferred span exists.
   */
  private void installExitHook() {
    if (!exitHookInstalled.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        long deadline = System.nanoTime() + config.shutdownTimeoutMillis() * 1_000_000L;
        try {
          Thread w = warmUpThread;
          if (w != null) {
            w.join(Math.max(1, config.shutdownTimeoutMillis()));
          }
          drainPendingEnds();
          // a call that ended on a client's thread just before exit may still be recording
          while (completing.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
          }
          if (report != null) {
            report.writeAtExit(); // a local file of bounded size: milliseconds, before the export may wait
          }
          Alerts a = alerts;
          if (a != null) {
            a.drainAtExit(Math.max(1, (deadline - System.nanoTime()) / 2_000_000L));
          }
          OtelTelemetry t = telemetry;
          if (t != null) {
            t.flushAtExit(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
          }
        } catch (Throwable e) {
          // exiting: nothing more to do
        }
      }, "tollgate-exit"));
    } catch (Throwable e) {
      TollgateLog.warnOnce("internal:exit-hook", "could not register the exit hook; the last spans may be lost", e);
    }
  }

  public TollgateConfig config() {
    return config;
  }

  /** Null when the request is not an LLM call. */
  public Endpoint recognize(String host, int port, String path, HeaderLookup headers) {
    return recognizer.recognize(host, port, path, headers);
  }

  ProviderCodec codecFor(Endpoint endpoint) {
    return codecs.forFormat(endpoint.format());
  }

  /**
   * Starts a call. Never throws: on an internal failure the returned call still ends
   * cleanly, with what could be recorded.
   *
   * @param port the effective port (the scheme's default when the URI has none)
   */
  public LlmCall start(Endpoint endpoint, String host, int port, String path, ControlHeaders control,
      byte[] body) {
    return start(endpoint, null, host, port, path, control, HeaderLookup.NONE, body);
  }

  /**
   * Starts a call, resolving its policies (cache, retry, fallback) from the configuration and
   * the request's control headers. Never throws.
   *
   * @param uri the request's full URI (needed by policies that re-send it), may be null
   * @param requestHeaders the application's request headers (credential for the cache key,
   *     {@code Cache-Control})
   */
  public LlmCall start(Endpoint endpoint, URI uri, String host, int port, String path,
      ControlHeaders control, HeaderLookup requestHeaders, byte[] body) {
    CallRecord r = new CallRecord();
    r.startNanos = System.nanoTime();
    Instant now = Instant.now();
    r.startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    r.operation = endpoint.operation();
    r.provider = endpoint.vendor().providerName();
    r.serverAddress = host;
    r.serverPort = port;
    r.path = path;
    ApplicationTrace.Captured applicationTrace = null;
    TraceHeaders traceHeaders = null;
    try {
      r.properties.putAll(config.properties());
      // here, on the thread that makes the call: the span itself may only be created on the
      // warm-up thread, which never sees the application's context
      applicationTrace = ApplicationTrace.capture(r, config.baggageProperties(),
          config.nestHttpSpans() && (config.otelUseGlobal() || !telemetryFailed), config.otelUseGlobal());
      // with tollgate.otel.use-global the application's SDK picks the span's ids, so Tollgate
      // adds no header of its own (README: the two settings do not combine)
      if (config.propagate() && !telemetryFailed && !config.otelUseGlobal()) {
        traceHeaders = TraceHeaders.forCall(r);
      }
      r.properties.putAll(control.properties());
      r.userId = control.userId();
      r.sessionId = control.sessionId();
      r.sessionPath = control.sessionPath();
      r.sessionName = control.sessionName();
      r.captureInput = config.captureContent() && !control.omitRequest();
      r.captureOutput = config.captureContent() && !control.omitResponse();
      codecFor(endpoint).readRequest(path, body == null ? new byte[0] : body, r);
    } catch (Throwable t) {
      r.warn("tollgate internal error reading the request: " + t.getClass().getSimpleName());
      TollgateLog.warnOnce("internal:request:" + t.getClass().getName(),
          "internal error while reading an LLM request; the call itself is unaffected", t);
    }
    if (applicationTrace != null && config.otelUseGlobal()) {
      // once the request is read: the span's name and the attributes samplers see need the model
      applicationTrace.startApplicationSpan(r);
    }
    PolicyDriver policy = null;
    if (uri != null) {
      try {
        CallPolicies policies = policyResolver.resolve(control, requestHeaders, r.requestModel);
        r.configErrors.addAll(policies.errors());
        if (policies.any()) {
          policy = new PolicyDriver(this, r, policies, endpoint, uri, body, credential(requestHeaders, uri),
              control.usedHelicone());
        }
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:policies", "could not apply the gateway policies; the call goes on without them", t);
      }
    }
    return new LlmCall(this, endpoint, r, policy, applicationTrace, traceHeaders);
  }

  /**
   * The request's credential, for the cache key only (hashed there, never stored): the first
   * of the providers' API-key headers, else a {@code key=} query parameter (Gemini).
   */
  static String credential(HeaderLookup headers, URI uri) {
    for (String name : CREDENTIAL_HEADERS) {
      String v = headers.first(name);
      if (v != null) {
        return v;
      }
    }
    String q = uri.getRawQuery();
    if (q != null) {
      for (String part : q.split("&")) {
        if (part.startsWith("key=")) {
          return part.substring(4);
        }
      }
    }
    return null;
  }

  private static final List<String> CREDENTIAL_HEADERS =
      List.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

  /** The response cache, created on first use; null when it could not be. */
  ResponseCache responseCache() {
    ResponseCache c = responseCache;
    if (c == null) {
      synchronized (cacheLock) {
        c = responseCache;
        if (c == null) {
          c = new ResponseCache(config.cacheMaxBytes(), Ticker.systemTicker(),
              () -> ThreadLocalRandom.current().nextLong());
          responseCache = c;
        }
      }
    }
    return c;
  }

  /** The rate limits and budgets, created on first use. */
  Limits limits() {
    Limits l = limits;
    if (l == null) {
      synchronized (limitsLock) {
        l = limits;
        if (l == null) {
          l = limitsFactory.get();
          limits = l;
        }
      }
    }
    return l;
  }

  /**
   * A call's value for a rate limit's segment or a budget's scope: {@code user} is the
   * {@code User-Id}, {@code model} the requested model, anything else a custom property
   * (names compared without case); null when the call has none.
   */
  static Function<String, String> scopeValues(CallRecord r) {
    return name -> {
      if (name.equals("user")) {
        return r.userId;
      }
      if (name.equals("model")) {
        return r.requestModel;
      }
      for (Map.Entry<String, String> p : r.properties.entrySet()) {
        if (p.getKey().equalsIgnoreCase(name)) {
          return p.getValue();
        }
      }
      return null;
    };
  }

  /**
   * The first half of a call's end, which the application's next call must see: the cache
   * entry is stored, the cost priced and counted against limits. Returns true when the caller
   * must record the call now with {@link #recordFinished} (it is counted as in progress until
   * then, so JVM exit waits for it); false when the call's recording was deferred behind the
   * warm-up.
   */
  boolean finish(LlmCall call, boolean cleanEnd) {
    if (call.policy() != null) {
      try {
        call.policy().onEnded(cleanEnd);
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:policy-end", "could not finish the call's policies", t);
      }
    }
    if (call.applicationSpan() != null) {
      // tollgate.otel.use-global: the span lives in the application's SDK, which the application
      // may shut down as soon as it has its answer; so it is priced and ended before the answer's
      // end is handed over, never deferred behind the warm-up (the metrics still may be)
      settle(call);
      beforeExport(call);
      endApplicationSpan(call);
    } else if (!call.endDeferred() && (pricer != null || countsAgainstLimits(call))) {
      // Price at once, on the thread that ended the call, so that the next call sees this one:
      // a cache hit reads what its entry cost, and a budget or a cents rate limit must count
      // this cost before the next call is admitted (for those, even while the warm-up has not
      // built the price table yet: it is built now). Otherwise the deferred end prices it, in
      // order.
      settle(call);
    }
    if (warmingUp() || !pendingEnds.isEmpty()) {
      // behind the calls that ended before it, so that a cache hit is exported after the
      // answer it replays
      pendingEnds.add(() -> complete(call));
      if (!warmingUp()) {
        drainPendingEnds(); // the warm-up finished meanwhile and may have drained before the add
      }
      return false;
    }
    completing.incrementAndGet();
    return true;
  }

  /**
   * True when nothing the next call may depend on comes from this call's response: no
   * policy (cache entry, refusal counters) and no budget or cents rate limit. Then even the
   * codec's last word (parsing a plain JSON body) waits for the recording.
   */
  boolean mayDeferEnd(LlmCall call) {
    return recorder != null && call.policy() == null && config.budgets().isEmpty() && call.applicationSpan() == null;
  }

  /**
   * The second half of a call's end, after {@link #finish} returned true: the span, metrics,
   * report and console line; on the recording thread when there is one. The adapter may first
   * hand the application its response, which then does not wait for this.
   */
  void recordFinished(LlmCall call) {
    CallRecorder r = recorder;
    boolean handedOver = false;
    try {
      handedOver = r != null && r.offer(call);
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:recorder-offer", "could not hand a call to the recording thread", t);
    }
    if (!handedOver) {
      recordFinishedNow(call);
    }
  }

  private void recordFinishedNow(LlmCall call) {
    try {
      call.completeDeferredEnd();
      record(call);
    } finally {
      completing.decrementAndGet();
    }
  }

  /** True when the call's cost must be counted as soon as it ends: budgets, or a cents rate limit. */
  private boolean countsAgainstLimits(LlmCall call) {
    return !config.budgets().isEmpty() || (call.policy() != null && call.policy().verdict() != null
        && call.policy().verdict().chargesCost());
  }

  /** Prices the call, settles its cache entry's cost, counts it against limits and budgets. Once. */
  private void settle(LlmCall call) {
    if (!call.markSettled()) {
      return;
    }
    CallRecord r = call.record();
    try {
      if (r.costUsd == null) {
        pricer().price(r, call.answeringEndpoint().vendor().pricingPrefixes());
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:pricing", "pricing failed; the call is recorded unpriced", t);
    }
    if (call.policy() != null) {
      try {
        call.policy().onPriced();
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:policy-priced", "could not settle the call's cache cost", t);
      }
    }
    alert(call, spend(call));
  }

  /** A deferred end, completed once the warm-up lets it. */
  private void complete(LlmCall call) {
    completing.incrementAndGet();
    recordFinishedNow(call);
  }

  private void beforeExport(LlmCall call) {
    if (call.policy() != null) {
      try {
        call.policy().beforeExport();
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:policy-export", "could not complete the call's cache saving", t);
      }
    }
  }

  /** Ends the call's span in the application's SDK; on failure (one warning) Tollgate's SDK records it instead. */
  private void endApplicationSpan(LlmCall call) {
    try {
      call.applicationSpan().end(call.record());
      call.markApplicationSpanEnded();
    } catch (Throwable t) {
      TollgateLog.warnOnce("use-global:end:" + t.getClass().getName(), "tollgate.otel.use-global: could not end a "
          + "span through the application's GlobalOpenTelemetry; this call's span goes through Tollgate's own SDK", t);
    }
  }

  private void record(LlmCall call) {
    CallRecord r = call.record();
    settle(call);
    beforeExport(call);
    if (report != null) {
      try {
        report.record(r);
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:report", "could not count the call in the report", t);
      }
    }
    try {
      // the span is started and ended here, with the call's start time: its start takes no
      // time from the application's call (and while the warm-up builds the SDK, there is none)
      OtelTelemetry t = telemetry();
      ApplicationTracer.ApplicationSpan appSpan = call.applicationSpanEnded() ? call.applicationSpan() : null;
      if (t != null && appSpan != null) {
        t.recordBesideApplicationSpan(r, appSpan.traceId(), appSpan.spanId(), appSpan.traceFlags());
      } else if (t != null) {
        t.end(t.start(r), r);
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:span-end", "could not end a span", t);
    }
    if (console != null) {
      try {
        console.report(r);
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:console", "could not print the console line", t);
      }
    }
  }

  /** Counts a priced call against its {@code cents} rate limits and the budgets; returns the thresholds crossed. */
  private List<Budgets.Crossing> spend(LlmCall call) {
    CallRecord r = call.record();
    if (r.costUsd == null || !(r.costUsd > 0)) {
      return List.of();
    }
    Limits.Verdict verdict = call.policy() == null ? null : call.policy().verdict();
    if (verdict == null && config.budgets().isEmpty()) {
      return List.of();
    }
    try {
      return limits().spend(verdict, scopeValues(r), r.costUsd);
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:limits-spend", "could not count a call against its budgets", t);
      return List.of();
    }
  }

  /** Budget thresholds crossed, error-rate and latency rules: alerts on the call's span and beyond. */
  private void alert(LlmCall call, List<Budgets.Crossing> crossed) {
    if (!alerting) {
      return;
    }
    try {
      Alerts a = alerts();
      a.budgetsCrossed(crossed, call.record());
      a.callFinished(call.record());
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:alerts", "could not raise an alert", t);
    }
  }

  /** At most this many scope values per scoped budget go onto the budget gauges. */
  static final int BUDGET_GAUGE_VALUES = 50;

  private List<OtelTelemetry.BudgetReading> budgetReadings() {
    List<OtelTelemetry.BudgetReading> out = new ArrayList<>();
    for (Budgets.Reading r : limits().budgets().readings(BUDGET_GAUGE_VALUES)) {
      out.add(new OtelTelemetry.BudgetReading(r.policy().name(), r.scopeValue(), r.spentUsd(), r.policy().limitUsd()));
    }
    return out;
  }

  private Alerts alerts() {
    Alerts a = alerts;
    if (a == null) {
      synchronized (alertsLock) {
        a = alerts;
        if (a == null) {
          a = Alerts.create(config, Ticker.systemTicker(), Clock.systemUTC());
          alerts = a;
        }
      }
    }
    return a;
  }

  private PriceFunction pricer() {
    PriceFunction p = pricer;
    if (p == null) {
      synchronized (pricerLock) {
        p = pricer;
        if (p == null) {
          try {
            p = pricerFactory.get();
          } catch (Throwable e) {
            TollgateLog.warn("the price table could not be loaded; calls are recorded unpriced", e);
            p = (record, prefixes) -> { };
          }
          pricer = p;
        }
      }
    }
    return p;
  }

  /** The telemetry, built on first use; null (for good) when it could not be built. */
  OtelTelemetry telemetry() {
    OtelTelemetry t = telemetry;
    if (t != null || telemetryFailed) {
      return t;
    }
    synchronized (telemetryLock) {
      if (telemetry == null && !telemetryFailed) {
        try {
          telemetry = telemetryFactory.get();
          if (telemetry != null && !config.budgets().isEmpty()) {
            telemetry.observeBudgets(this::budgetReadings);
          }
          installExitHook();
        } catch (Throwable e) {
          telemetryFailed = true;
          TollgateLog.warn("OpenTelemetry could not be set up; LLM calls go on without spans and metrics", e);
        }
      }
      return telemetry;
    }
  }
}
