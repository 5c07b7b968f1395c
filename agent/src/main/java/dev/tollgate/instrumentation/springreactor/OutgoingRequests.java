package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.ControlHeaders;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * What both Spring adapters do to the request an attempt sends: the application's headers, minus
 * Tollgate's control headers (unless the host only gets observed) and minus the credentials a
 * fallback to another host must not carry, plus the fallback target's own headers, with
 * Content-Length matching the body actually sent. A helper class.
 */
final class OutgoingRequests {
  private OutgoingRequests() {}

  /** The port a connection goes to: the URI's, else the scheme's default. */
  static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  static String path(URI uri) {
    return uri.getRawPath() == null ? "" : uri.getRawPath();
  }

  /**
   * Copies {@code from} into {@code to} for an attempt; {@code plan} is null for a call without
   * policies (the application's request as it is, control headers removed when asked).
   * {@code traceHeaders} ({@code tollgate.propagate}) go on every attempt.
   */
  static void copyHeaders(HttpHeaders from, HttpHeaders to, boolean dropControlHeaders,
      List<Map.Entry<String, String>> traceHeaders, AttemptPlan plan, byte[] body) {
    boolean rewritten = plan != null && !plan.isOriginalRequest();
    from.forEach((name, values) -> {
      if (dropControlHeaders && ControlHeaders.isControlHeader(name)) {
        return;
      }
      if (rewritten && plan.removedHeaders().contains(name.toLowerCase(Locale.ROOT))) {
        return;
      }
      to.addAll(name, values);
    });
    for (Map.Entry<String, String> h : traceHeaders) {
      to.set(h.getKey(), h.getValue());
    }
    if (rewritten) {
      plan.headers().forEach(to::set);
    }
    if (body != null && to.containsHeader(HttpHeaders.CONTENT_LENGTH)) {
      to.setContentLength(body.length);
    }
  }

  /** Every response header in order, for a cache write. */
  static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
    List<Map.Entry<String, String>> all = new ArrayList<>();
    headers.forEach((name, values) -> {
      for (String v : values) {
        all.add(Map.entry(name, v));
      }
    });
    return all;
  }

  /** {@code base} plus Tollgate's response headers ({@code Tollgate-Cache: MISS}...), as a new mutable copy. */
  static HttpHeaders withExtra(HttpHeaders base, List<Map.Entry<String, String>> extra) {
    HttpHeaders h = new HttpHeaders();
    h.addAll(base);
    for (Map.Entry<String, String> e : extra) {
      h.set(e.getKey(), e.getValue());
    }
    return h;
  }
}
