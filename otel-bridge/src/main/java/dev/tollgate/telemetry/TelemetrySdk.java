package dev.tollgate.telemetry;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
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
 * <p>Three things differ from a plain {@code AutoConfiguredOpenTelemetrySdk.initialize()}:
 * <ul>
 *   <li>defaults: OTLP over http/protobuf (the JDK sender is the only one shipped) and no
 *       log exporter; the user's settings still win;
 *   <li>JVM exit waits at most {@code shutdownTimeoutMillis} for the last export, so a dead
 *       collector can't hold the application's exit hostage;
 *   <li>the SDK's own java.util.logging output (e.g. "Failed to export spans" on every batch
 *       when the collector is down) is routed to one warning per kind.
 * </ul>
 * The SDK is never registered as the global OpenTelemetry: the application's own
 * OpenTelemetry (if any) stays untouched.
 */
public final class TelemetrySdk {
  /** Where the shaded SDK logs; the shade plugin relocates this string too. */
  private static final String SDK_LOGGER = "io.opentelemetry";
  private static Logger sdkLogger; // strong reference: JUL keeps loggers weakly

  private TelemetrySdk() {}

  public static OpenTelemetrySdk create(long shutdownTimeoutMillis, ClassLoader serviceLoader,
      BiConsumer<String, String> warnOnce) {
    routeSdkLogging(warnOnce);
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
    defaults.put("otel.logs.exporter", "none");
    AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .setServiceClassLoader(serviceLoader)
        .disableShutdownHook()
        .build();
    OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
    Thread hook = new Thread(() -> sdk.shutdown().join(shutdownTimeoutMillis, TimeUnit.MILLISECONDS),
        "tollgate-telemetry-shutdown");
    hook.setDaemon(true);
    Runtime.getRuntime().addShutdownHook(hook);
    return sdk;
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
