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
      ApplicationTrace.capture(r, List.of(), false);
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
      ApplicationTrace.capture(r, List.of(), false);
    }

    assertThat(r.parent.sampled()).isFalse();
    assertThat(r.parent.remote).isTrue();
    assertThat(r.parent.traceState).isEmpty();
  }

  @Test
  void noCurrentSpanMeansNoParent() {
    CallRecord r = new CallRecord();

    ApplicationTrace.capture(r, List.of("user.id"), true);

    assertThat(r.parent).isNull();
    assertThat(r.properties).isEmpty();
  }

  @Test
  void namedBaggageEntriesBecomeProperties() {
    Baggage baggage = Baggage.builder().put("user.id", "u-42").put("workflow", "checkout").put("secret", "s").build();
    CallRecord r = new CallRecord();
    try (Scope ignored = Context.root().with(baggage).makeCurrent()) {
      ApplicationTrace.capture(r, List.of("user.id", "workflow", "absent"), true);
    }

    assertThat(r.properties).containsExactly(Map.entry("user.id", "u-42"), Map.entry("workflow", "checkout"));
    assertThat(r.parent).isNull();
  }

  @Test
  void withNestingTheCallsSpanIsCurrentInTheApplicationsContextDuringAnAttempt() throws Exception {
    Baggage baggage = Baggage.builder().put("user.id", "u-42").build();
    CallRecord r = new CallRecord();
    ApplicationTrace.Captured captured;
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).with(baggage).makeCurrent()) {
      captured = ApplicationTrace.capture(r, List.of(), true);
    }
    assertThat(captured).isNotNull();
    assertThat(r.presetSpanId).hasSize(16).isNotEqualTo("0000000000000000").isNotEqualTo(APP_SPAN.getSpanId());

    // an attempt on another thread (an async retry): the call start's context, with the call's span in it
    SpanContext[] during = new SpanContext[1];
    String[] baggageDuring = new String[1];
    SpanContext[] after = new SpanContext[1];
    Thread attempt = new Thread(() -> {
      try (ApplicationSpanScope scope = captured.enter()) {
        during[0] = Span.current().getSpanContext();
        baggageDuring[0] = Baggage.current().getEntryValue("user.id");
      }
      after[0] = Span.current().getSpanContext();
    });
    attempt.start();
    attempt.join();

    assertThat(during[0].getTraceId()).isEqualTo(APP_SPAN.getTraceId());
    assertThat(during[0].getSpanId()).isEqualTo(r.presetSpanId);
    assertThat(during[0].isSampled()).isTrue();
    assertThat(during[0].getTraceState()).isEqualTo(APP_SPAN.getTraceState());
    assertThat(baggageDuring[0]).isEqualTo("u-42");
    assertThat(after[0].isValid()).as("the thread's own context is back after the attempt").isFalse();
  }

  @Test
  void withoutNestingOrWithoutACurrentSpanNothingIsPreset() {
    CallRecord off = new CallRecord();
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      assertThat(ApplicationTrace.capture(off, List.of(), false)).isNull();
    }
    assertThat(off.parent).isNotNull();
    assertThat(off.presetSpanId).isNull();

    CallRecord noSpan = new CallRecord();
    assertThat(ApplicationTrace.capture(noSpan, List.of(), true)).isNull();
    assertThat(noSpan.presetSpanId).isNull();
  }

  @Test
  void aContextRememberedAtAHandOffIsCurrentOnceOnTheThreadThatResumesIt() throws Exception {
    Object call = new Object();
    Object otherCall = new Object();
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      ApplicationTrace.remember(call);
    }
    ApplicationTrace.remember(otherCall); // no current span: nothing kept

    SpanContext[] seen = new SpanContext[3];
    Thread dispatcher = new Thread(() -> {
      try (ApplicationSpanScope resumed = ApplicationTrace.resume(call)) {
        seen[0] = Span.current().getSpanContext();
      }
      try (ApplicationSpanScope again = ApplicationTrace.resume(call)) {
        seen[1] = Span.current().getSpanContext();
      }
      try (ApplicationSpanScope none = ApplicationTrace.resume(otherCall)) {
        seen[2] = Span.current().getSpanContext();
      }
    });
    dispatcher.start();
    dispatcher.join();

    assertThat(seen[0]).isEqualTo(APP_SPAN);
    assertThat(seen[1].isValid()).as("resumed once only").isFalse();
    assertThat(seen[2].isValid()).isFalse();
  }

  @Test
  void aRememberedContextDoesNotReplaceOneSomeoneElseCarriedOver() {
    SpanContext carried = SpanContext.create("11111111111111111111111111111111", "2222222222222222",
        TraceFlags.getSampled(), TraceState.getDefault());
    Object call = new Object();
    try (Scope ignored = Context.root().with(Span.wrap(APP_SPAN)).makeCurrent()) {
      ApplicationTrace.remember(call);
    }

    try (Scope other = Context.root().with(Span.wrap(carried)).makeCurrent();
        ApplicationSpanScope resumed = ApplicationTrace.resume(call)) {
      assertThat(Span.current().getSpanContext()).isEqualTo(carried);
    }
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
        ApplicationTrace.capture(r, List.of("user.id"), true);
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
