package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import dev.tollgate.telemetry.CallRecord;

/**
 * What every JSON-speaking response observer shares: a plain body is buffered (bounded) and
 * parsed once complete; an event stream is split by {@link SseDecoder} and each event parsed as
 * soon as its blank line arrives; non-2xx bodies are not parsed at all; nothing ever throws.
 *
 * <p>Why a base class: the fail-open and bounding rules are the part that must not differ
 * between codecs, so each codec only writes the three format-specific steps.
 */
abstract class JsonBodyObserver implements ResponseObserver, SseDecoder.Listener {
  protected final CallRecord record;
  protected final String codec;
  /** Output capture is on: content is collected, within {@link #budget}. */
  protected final boolean capture;
  /** The captured-text budget of this response; null when {@link #capture} is off. */
  protected final GenAiMessages.TextBudget budget;
  private final SseDecoder sse;
  private final BodyBuffer body;
  private boolean ignored;
  private boolean ended;
  private boolean eventFailed;
  private boolean providerErrorWarned;
  /**
   * Set by a codec when the stream's own end marker arrived ({@code [DONE]},
   * {@code response.completed}, {@code message_stop}, a finish reason). An SDK that stops
   * reading and closes the body right after it has not cut the stream.
   */
  protected boolean streamFinished;

  JsonBodyObserver(CallRecord record, String codec, boolean eventStream) {
    this.record = record;
    this.codec = codec;
    this.capture = record.captureOutput;
    this.budget = capture ? new GenAiMessages.TextBudget(GenAiMessages.TextBudget.DEFAULT_CHARS) : null;
    this.sse = eventStream ? new SseDecoder(this) : null;
    this.body = eventStream ? null : new BodyBuffer();
    this.ignored = isErrorStatus(record.statusCode);
  }

  /** Parses a complete plain body; the parser is on its first token. */
  abstract void readBody(JsonParser p) throws Exception;

  /** Handles one complete SSE event (data is only valid during the call). */
  abstract void readEvent(String event, byte[] data, int length) throws Exception;

  /**
   * Called once at the end, after the body was parsed (even when that failed) or the stream
   * ended. {@code complete}: the whole body or stream arrived and parsed.
   */
  abstract void finish(boolean complete) throws Exception;

  /**
   * A non-2xx answer carries the provider's error format; the pipeline derives error.type from
   * the status, so the body is left alone. An unknown status (-1) is parsed.
   */
  static boolean isErrorStatus(int status) {
    return status != -1 && (status < 200 || status >= 300);
  }

  /**
   * An event's type: its {@code event:} name, or for servers that send none (or the default
   * {@code message}) the {@code type} field of its data; null when neither is there.
   */
  static String eventType(String event, byte[] data, int length) throws Exception {
    if (event != null && !event.equals("message")) {
      return event;
    }
    try (JsonParser p = Json.openObject(data, length)) {
      if (p == null) {
        return null;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("type")) {
          return Json.stringValue(p);
        }
        p.skipChildren();
      }
      return null;
    }
  }

  /**
   * The provider reported a failure inside a 2xx body ({@code where}: "stream", "response
   * body"). Its details may quote content we must not copy, so only that it happened is said,
   * once per response.
   */
  protected final void warnProviderError(String where) {
    if (!providerErrorWarned) {
      providerErrorWarned = true;
      record.warn(codec + ": provider reported an error in the " + where);
    }
  }

  /** Says so when captured output was cut at the budget; call once, from {@link #finish}. */
  protected final void warnIfCaptureTruncated() {
    if (budget != null && budget.truncated()) {
      record.warn(codec + ": captured output truncated");
    }
  }

  @Override
  public final void onBytes(byte[] bytes, int offset, int length) {
    if (ended || ignored || bytes == null || length <= 0) {
      return;
    }
    try {
      if (sse != null) {
        sse.feed(bytes, offset, length);
      } else {
        body.append(bytes, offset, length);
      }
    } catch (Throwable t) {
      ignored = true;
      Json.warn(record, codec, "response observer failed", t);
    }
  }

  @Override
  public final void onEvent(String event, byte[] data, int length) {
    try {
      readEvent(event, data, length);
    } catch (Throwable t) {
      if (!eventFailed) { // one warning per response, not one per bad event
        eventFailed = true;
        Json.warn(record, codec, "unparsable stream event", t);
      }
    }
  }

  @Override
  public final boolean sawEnd() {
    return streamFinished;
  }

  @Override
  public final void onEnd(boolean complete) {
    if (ended) {
      return;
    }
    ended = true;
    if (ignored || isErrorStatus(record.statusCode)) {
      return;
    }
    boolean ok = complete;
    try {
      if (sse != null) {
        boolean cut = sse.finish();
        if (sse.droppedEvents() > 0) {
          record.warn(codec + ": " + sse.droppedEvents() + " stream event(s) over the size bound dropped");
        }
        if (cut || (!complete && !streamFinished)) {
          record.warn(codec + ": stream truncated");
          ok = false;
        }
      } else {
        ok = parseBody(complete);
      }
    } catch (Throwable t) {
      ok = false;
      Json.warn(record, codec, "response observer failed", t);
    }
    try {
      finish(ok);
    } catch (Throwable t) {
      Json.warn(record, codec, "response observer failed", t);
    }
  }

  private boolean parseBody(boolean complete) {
    if (body.overflow()) {
      record.warn(codec + ": response body over " + (BodyBuffer.DEFAULT_MAX_BYTES >> 20) + " MiB, not parsed");
      return false;
    }
    if (body.length() == 0) {
      record.warn(codec + ": empty response body");
      return false;
    }
    if (body.isGzip() && !body.gunzip()) {
      record.warn(codec + ": compressed response body not parsed");
      return false;
    }
    // A client may stop reading once the JSON value ended (openai-java does) and close the
    // body before its end: the body is whole when its value is. The parse itself says so when
    // it closed the root value; only otherwise is the body scanned for it.
    boolean parsed = false;
    boolean rootClosed = false;
    Throwable failure = null;
    try (JsonParser p = Json.parser(body.array(), 0, body.length())) {
      p.nextToken();
      readBody(p);
      parsed = true;
      rootClosed = p.currentToken() != null && p.getParsingContext().inRoot();
    } catch (Throwable t) {
      failure = t;
    }
    boolean whole = complete || rootClosed || Json.isCompleteValue(body.array(), body.length());
    if (!whole) {
      record.warn(codec + ": response body truncated");
    } else if (!parsed) { // a cut body fails to parse by nature; it was already reported
      Json.warn(record, codec, "malformed JSON response", failure);
    }
    streamFinished = parsed && whole;
    return parsed && whole;
  }
}
