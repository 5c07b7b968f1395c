package dev.tollgate.telemetry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Runs Tollgate's own HTTP traffic (the OTLP export, alert webhooks) with the OpenTelemetry Java
 * agent's instrumentation suppressed, when that agent is present.
 *
 * <p>Why: the Java agent instruments {@code HttpURLConnection}, so beside it every export of
 * Tollgate's became a root {@code POST /v1/traces} span in the application's telemetry
 * (seen in {@code AppTracesTest}). The Java agent's exporters avoid this with its
 * {@code InstrumentationUtil.suppressInstrumentation(Runnable)}, which lives on the bootstrap
 * class path in the Java agent's shaded copy of the API; Tollgate calls the same method, found
 * once through a {@link MethodHandle}. Without the Java agent the work simply runs.
 *
 * <p>The class name is assembled at run time: the agent jar's build relocates string constants
 * that start with {@code io.opentelemetry}.
 */
public final class JavaAgentSuppression {
  private static final MethodHandle SUPPRESS = find();

  private JavaAgentSuppression() {}

  private static MethodHandle find() {
    String otel = String.join(".", "io", "opentelemetry");
    try {
      Class<?> util = Class.forName(otel + ".javaagent.shaded." + otel + ".api.impl.InstrumentationUtil", false, null);
      return MethodHandles.publicLookup().findStatic(util, "suppressInstrumentation",
          MethodType.methodType(void.class, Runnable.class));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** True when the OpenTelemetry Java agent's suppression was found. */
  public static boolean available() {
    return SUPPRESS != null;
  }

  /** Runs {@code work}, with the Java agent's instrumentation suppressed if there is one. */
  public static void run(Runnable work) {
    if (SUPPRESS == null) {
      work.run();
      return;
    }
    try {
      SUPPRESS.invokeExact(work);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
