package dev.tollgate.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Builds Tollgate's own OpenTelemetry SDK with the SDK's autoconfiguration, so every
 * {@code otel.*} property and {@code OTEL_*} variable works exactly as the SDK defines it.
 *
 * <p>Five things differ from a plain {@code AutoConfiguredOpenTelemetrySdk.initialize()}:
 * <ul>
 *   <li>defaults: OTLP over http/protobuf (Tollgate ships an HTTP sender only) and no log
 *       exporter; the user's settings still win;
 *   <li>no exit hook of the SDK's own: JVM exit waits a bounded time for the last export
 *       ({@link #flushAtExit}), so a dead collector can't hold the application's exit hostage;
 *   <li>the SDK's own java.util.logging output (e.g. "Failed to export spans" on every batch
 *       when the collector is down) is routed to one warning per kind;
 *   <li>only Tollgate's own metrics are exported, not the SDK's reports on itself;
 *   <li>a call's span can take an id chosen at call start ({@link PresetSpanIds}).
 * </ul>
 * The SDK is never registered as the global OpenTelemetry: the application's own
 * OpenTelemetry (if any) stays untouched.
 */
public final class TelemetrySdk {
  /** Where the shaded SDK logs; the shade plugin relocates this string too. */
  private static final String SDK_LOGGER = "io.opentelemetry";
  private static Logger sdkLogger; // strong reference: JUL keeps loggers weakly

  private TelemetrySdk() {}

  /**
   * Builds the SDK. It registers no exit hook: the caller flushes with {@link #flushAtExit}
   * when it knows nothing more is coming (Tollgate's gateway does, after its last deferred
   * span).
   */
  public static OpenTelemetrySdk create(ClassLoader serviceLoader, BiConsumer<String, String> warnOnce) {
    routeSdkLogging(warnOnce);
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    // Tollgate emits log records only for alerts (a budget threshold, an error-rate or latency
    // threshold); nothing else of the application's goes through this SDK
    defaults.put("otel.logs.exporter", "otlp");
    AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .setServiceClassLoader(serviceLoader)
        .addMetricExporterCustomizer((exporter, config) -> new OwnScopeMetricExporter(exporter))
        .addTracerProviderCustomizer((tracerProvider, config) -> tracerProvider.setIdGenerator(PresetSpanIds.INSTANCE))
        .disableShutdownHook()
        .build();
    return auto.getOpenTelemetrySdk();
  }

  /**
   * Exports what is pending and waits at most {@code timeoutMillis}. The SDK's own
   * {@code shutdown()} is not used: it blocks inside (the metric reader joins its last export
   * for the full exporter timeout, retries included), which would hold the JVM's exit hostage
   * to a dead collector. The flush runs on a daemon thread; the hook only waits for it, and
   * hardly at all when the collector refused the last connection.
   */
  public static void flushAtExit(OpenTelemetrySdk sdk, long configuredTimeoutMillis) {
    // a collector that refused the last connection is not waited for, and nothing is retried
    UrlConnectionHttpSender.exiting();
    long timeoutMillis = UrlConnectionHttpSender.lastConnectRefused()
        ? Math.min(configuredTimeoutMillis, 100) : configuredTimeoutMillis;
    Thread flusher = new Thread(() -> CompletableResultCode.ofAll(List.of(
            sdk.getSdkTracerProvider().forceFlush(),
            sdk.getSdkMeterProvider().forceFlush(),
            sdk.getSdkLoggerProvider().forceFlush()))
        .join(timeoutMillis, TimeUnit.MILLISECONDS), "tollgate-telemetry-flush");
    flusher.setDaemon(true);
    flusher.start();
    try {
      flusher.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void routeSdkLogging(BiConsumer<String, String> warnOnce) {
    Logger logger = Logger.getLogger(SDK_LOGGER);
    logger.setUseParentHandlers(false);
    logger.setLevel(Level.WARNING);
    logger.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
          return;
        }
        String msg = record.getMessage() == null ? "" : record.getMessage();
        Throwable t = record.getThrown();
        String text = "telemetry export: " + msg
            + (t == null ? "" : " (" + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")");
        // one line per logger and message shape, e.g. once for "Failed to export spans"
        String kind = record.getLoggerName() + ":" + msg.replaceAll("[0-9]+", "#");
        warnOnce.accept("otel:" + kind, text);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    sdkLogger = logger;
  }
}
