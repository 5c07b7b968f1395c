package dev.tollgate.provider;

import dev.tollgate.telemetry.CallRecord;

/**
 * Reads one wire format (not one vendor): what a request asks for and what a response
 * reports. A vendor is a table row pointing at a codec (see {@link Vendor}).
 *
 * <p>Contract: codecs never throw. Malformed input leaves fields unset and adds a warning
 * to the record ({@link CallRecord#warn}); the application's bytes are never touched.
 */
public interface ProviderCodec {

  /**
   * Fills the request side of the record: model, stream flag, parameters, and (when
   * {@code record.captureInput}) the input messages.
   *
   * @param path the request path, e.g. {@code /v1/chat/completions} (Gemini carries the model there)
   * @param body the request body, possibly empty, never null
   */
  void readRequest(String path, byte[] body, CallRecord record);

  /**
   * A fresh observer for one response body.
   *
   * @param eventStream true when the response's Content-Type is {@code text/event-stream}
   */
  ResponseObserver newResponseObserver(CallRecord record, boolean eventStream);
}
