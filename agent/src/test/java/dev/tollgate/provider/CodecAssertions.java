package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/** Small shared helpers for codec tests. */
final class CodecAssertions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CodecAssertions() {}

  static Supplier<CallRecord> records(int status, boolean captureInput, boolean captureOutput) {
    return () -> {
      CallRecord r = new CallRecord();
      r.statusCode = status;
      r.captureInput = captureInput;
      r.captureOutput = captureOutput;
      return r;
    };
  }

  /** Runs one request through the codec into a fresh record (input capture as given). */
  static CallRecord request(ProviderCodec codec, String path, byte[] body, boolean captureInput) {
    CallRecord r = new CallRecord();
    r.captureInput = captureInput;
    codec.readRequest(path, body, r);
    return r;
  }

  static Supplier<CallRecord> ok() {
    return records(200, false, false);
  }

  static Supplier<CallRecord> okCapturing() {
    return records(200, true, true);
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The attribute is valid JSON equal to {@code expected} (written with single quotes). */
  static void assertJson(String actual, String expected) {
    assertThat(actual).as("JSON attribute").isNotNull();
    assertThat(json(actual)).isEqualTo(json(expected.replace('\'', '"')));
  }

  /** Nothing that a response would set was set. */
  static void assertNoResponseFields(CallRecord r) {
    assertThat(r.responseId).isNull();
    assertThat(r.responseModel).isNull();
    assertThat(r.finishReasons).isNull();
    assertThat(r.inputTokens).isNull();
    assertThat(r.outputTokens).isNull();
    assertThat(r.cacheReadTokens).isNull();
    assertThat(r.reasoningTokens).isNull();
    assertThat(r.embeddingDimensions).isNull();
    assertThat(r.responseServiceTier).isNull();
    assertThat(r.systemFingerprint).isNull();
    assertThat(r.outputMessages).isNull();
  }
}
