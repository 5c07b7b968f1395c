package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.telemetry.CallRecord;

/**
 * An OpenAI {@code usage} object. Chat completions and the Responses API count the same four
 * things under different names (chat: {@code prompt_tokens}, {@code completion_tokens},
 * {@code prompt_tokens_details.cached_tokens}, {@code completion_tokens_details.reasoning_tokens};
 * Responses: {@code input_*} / {@code output_*}), so each codec names its fields and this reads
 * them. The cached and reasoning counts are already part of input and output, as semconv wants.
 * A later usage object (the last stream chunk) overrides an earlier one field by field.
 */
final class OpenAiUsage {
  private final String input;
  private final String output;
  private final String inputDetails;
  private final String outputDetails;

  OpenAiUsage(String input, String output, String inputDetails, String outputDetails) {
    this.input = input;
    this.output = output;
    this.inputDetails = inputDetails;
    this.outputDetails = outputDetails;
  }

  /** Reads the usage value under the parser; {@code null} (every chunk but the last) is skipped. */
  void read(JsonParser p, CallRecord record) throws Exception {
    if (!Json.enterObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      if (f.equals(input)) {
        record.inputTokens = Json.longOr(p, record.inputTokens);
      } else if (f.equals(output)) {
        record.outputTokens = Json.longOr(p, record.outputTokens);
      } else if (f.equals(inputDetails)) {
        readDetails(p, record, true);
      } else if (f.equals(outputDetails)) {
        readDetails(p, record, false);
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * A details object: {@code cached_tokens} on the input side, {@code reasoning_tokens} on the
   * output side. Each count goes to the record as soon as it is read (a body cut later keeps it).
   */
  private static void readDetails(JsonParser p, CallRecord record, boolean inputSide) throws Exception {
    if (!Json.enterObject(p)) {
      return;
    }
    String g;
    while ((g = Json.nextField(p)) != null) {
      if (inputSide && g.equals("cached_tokens")) {
        record.cacheReadTokens = Json.longOr(p, record.cacheReadTokens);
      } else if (!inputSide && g.equals("reasoning_tokens")) {
        record.reasoningTokens = Json.longOr(p, record.reasoningTokens);
      } else {
        p.skipChildren();
      }
    }
  }
}
