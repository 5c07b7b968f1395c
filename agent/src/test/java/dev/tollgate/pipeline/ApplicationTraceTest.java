package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.telemetry.CallRecord;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In these tests the OpenTelemetry API on the test class path plays the application's own copy
 * (unrelocated here, as in the app): what the reader copies out must be exactly what the
 * application's {@code Span.current()} and {@code Baggage.current()} say.
 */
class ApplicationTraceTest {
  private static final SpanContext APP_SPAN = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
      TraceFlags.getSampled(), TraceState.builder().put("vendor", "v1").build());

  @Test
  void copiesTheApplicationsCurrentSpan() {
    CallRecord r = new CallRecord();
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      ApplicationTrace.capture(r, List.of());
    }

    assertThat(r.parent).isNotNull();
    assertThat(r.parent.traceId).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(r.parent.spanId).isEqualTo("b7ad6b7169203331");
    assertThat(r.parent.sampled()).isTrue();
    assertThat(r.parent.remote).isFalse();
    assertThat(r.parent.traceState).containsExactly(Map.entry("vendor", "v1"));
  }

  @Test
  void keepsTheUnsampledFlagAndTheRemoteMark() {
    SpanContext remote = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        TraceFlags.getDefault(), TraceState.getDefault());
    CallRecord r = new CallRecord();
    try (Scope ignored = Context.root().with(Span.wrap(remote)).makeCurrent()) {
      ApplicationTrace.capture(r, List.of());
    }

    assertThat(r.parent.sampled()).isFalse();
    assertThat(r.parent.remote).isTrue();
    assertThat(r.parent.traceState).isEmpty();
  }

  @Test
  void noCurrentSpanMeansNoParent() {
    CallRecord r = new CallRecord();

    ApplicationTrace.capture(r, List.of("user.id"));

    assertThat(r.parent).isNull();
    assertThat(r.properties).isEmpty();
  }

  @Test
  void namedBaggageEntriesBecomeProperties() {
    Baggage baggage = Baggage.builder().put("user.id", "u-42").put("workflow", "checkout").put("secret", "s").build();
    CallRecord r = new CallRecord();
    try (Scope ignored = Context.root().with(baggage).makeCurrent()) {
      ApplicationTrace.capture(r, List.of("user.id", "workflow", "absent"));
    }

    assertThat(r.properties).containsExactly(Map.entry("user.id", "u-42"), Map.entry("workflow", "checkout"));
    assertThat(r.parent).isNull();
  }

  @Test
  void aLoaderWithoutTheApiHasNoneAndTheCallGoesOnWithoutParent() throws Exception {
    try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
      assertThat(ApplicationTrace.apiFor(bare)).isNull();

      Thread thread = Thread.currentThread();
      ClassLoader before = thread.getContextClassLoader();
      CallRecord r = new CallRecord();
      thread.setContextClassLoader(bare);
      try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
        ApplicationTrace.capture(r, List.of("user.id"));
      } finally {
        thread.setContextClassLoader(before);
      }
      assertThat(r.parent).as("the test's span is invisible to code whose loader has no API").isNull();
    }
  }

  @Test
  void theApiIsResolvedOncePerLoader() {
    ClassLoader loader = getClass().getClassLoader();

    assertThat(ApplicationTrace.apiFor(loader)).isNotNull().isSameAs(ApplicationTrace.apiFor(loader));
  }
}
