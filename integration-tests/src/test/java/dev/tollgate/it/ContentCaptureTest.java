package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import org.junit.jupiter.api.Test;

/**
 * Prompts and completions are recorded only on request: {@code tollgate.capture-content=true}
 * (or the OpenTelemetry switch), never by default — and either way the app sees the same.
 */
class ContentCaptureTest extends ItBase {
  private static final String QUESTION = "Which ocean contains Bouvet Island?";

  @Test
  void contentIsRecordedOnlyWhenAskedFor() {
    SampleApp app = SampleApp.openAiJava();
    ProviderRun[] runs = plainAndAgent(app, "chat", "ContentCaptureTest",
        r -> r.sysProp("tollgate.capture-content", "true"));
    assertExitedCleanly(runs[1].app());
    assertSameStdout(runs[0].app(), runs[1].app());
    ReceivedSpan span = awaitSpans(runs[1].app(), 1).get(0);
    assertThat(span.attrs().str("gen_ai.input.messages")).as("input messages")
        .contains("\"role\":\"user\"").contains(QUESTION);
    assertThat(span.attrs().str("gen_ai.output.messages")).as("output messages")
        .contains("\"role\":\"assistant\"").contains("Atlantic Ocean").contains("\"finish_reason\":\"stop\"");
  }

  @Test
  void theOpenTelemetrySwitchWorksToo() {
    SampleApp app = SampleApp.openAiJava();
    ProviderRun[] runs = plainAndAgent(app, "chat", "ContentCaptureOtelSwitchTest",
        r -> r.env("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"));
    assertExitedCleanly(runs[1].app());
    ReceivedSpan span = awaitSpans(runs[1].app(), 1).get(0);
    assertThat(span.attrs().str("gen_ai.input.messages")).as("input messages").contains(QUESTION);
  }

  @Test
  void nothingIsRecordedByDefault() {
    SampleApp app = SampleApp.openAiJava();
    ProviderRun[] runs = plainAndAgent(app, "chat", "ContentCaptureDefaultTest", r -> r);
    ReceivedSpan span = awaitSpans(runs[1].app(), 1).get(0);
    assertThat(span.attrs().has("gen_ai.input.messages")).isFalse();
    assertThat(span.attrs().has("gen_ai.output.messages")).isFalse();
  }
}
