package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import java.lang.invoke.MethodHandle;

/**
 * While open, Tollgate's call span is the current span of the application's own OpenTelemetry
 * context on this thread (see {@link LlmCall#enterApplicationSpan}); adapters open one around
 * each attempt's transport call. {@link #close} never throws.
 */
public final class ApplicationSpanScope implements AutoCloseable {
  static final ApplicationSpanScope NONE = new ApplicationSpanScope(null, null);

  private final MethodHandle closeScope;
  private final Object scope;

  ApplicationSpanScope(MethodHandle closeScope, Object scope) {
    this.closeScope = closeScope;
    this.scope = scope;
  }

  @Override
  public void close() {
    if (scope == null) {
      return;
    }
    try {
      closeScope.invokeExact(scope);
    } catch (Throwable t) {
      TollgateLog.warnOnce("internal:app-trace-close:" + t.getClass().getName(),
          "could not restore the application's OpenTelemetry context after an attempt", t);
    }
  }
}
