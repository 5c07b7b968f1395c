package dev.tollgate.pipeline;

import dev.tollgate.telemetry.CallRecord;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * {@code tollgate.console=true}: one human-readable line per LLM call on stderr, for a
 * developer who wants to see what their app spends without any backend.
 */
final class ConsoleReporter {
  private final PrintStream out;

  ConsoleReporter(PrintStream out) {
    this.out = out;
  }

  void report(CallRecord r) {
    out.println(format(r));
  }

  static String format(CallRecord r) {
    StringBuilder b = new StringBuilder(160);
    b.append("[tollgate] ").append(r.provider).append(' ').append(r.operation).append(' ')
        .append(r.spanModel() == null ? "?" : r.spanModel());
    if (r.responseModel != null && !r.responseModel.equals(r.requestModel)) {
      b.append(" (").append(r.responseModel).append(')');
    }
    if (Boolean.TRUE.equals(r.stream)) {
      b.append(" stream");
    }
    b.append(" -> ").append(r.statusCode > 0 ? Integer.toString(r.statusCode) : "no response");
    if (r.errorType != null && !r.errorType.equals(Integer.toString(r.statusCode))) {
      b.append(" error=").append(r.errorType);
    }
    b.append(" in ").append(Math.round(r.durationSeconds() * 1000)).append(" ms");
    if (r.inputTokens != null || r.outputTokens != null) {
      b.append(", tokens ").append(r.inputTokens == null ? "?" : r.inputTokens).append(" in");
      if (r.outputTokens != null) {
        b.append(" / ").append(r.outputTokens).append(" out");
      }
      if (r.cacheReadTokens != null && r.cacheReadTokens > 0) {
        b.append(" (").append(r.cacheReadTokens).append(" cached)");
      }
    }
    if (r.costUsd != null) {
      b.append(", cost $").append(String.format(Locale.ROOT, "%.8f", r.costUsd));
    } else {
      b.append(", unpriced");
    }
    if (r.userId != null) {
      b.append(", user=").append(r.userId);
    }
    if (!r.properties.isEmpty()) {
      b.append(", properties {");
      boolean first = true;
      for (Map.Entry<String, String> p : r.properties.entrySet()) {
        if (!first) {
          b.append(", ");
        }
        first = false;
        b.append(p.getKey()).append('=').append(p.getValue());
      }
      b.append('}');
    }
    return b.toString();
  }
}
