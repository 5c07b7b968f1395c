package dev.tollgate.provider;

import java.nio.charset.StandardCharsets;

/**
 * Splits a Server-Sent-Events byte stream into events, fed with whatever chunks the HTTP client
 * delivers.
 *
 * <p>Why bytes and not a Reader: an event may be cut anywhere, even inside a multi-byte UTF-8
 * character or between {@code \r} and {@code \n}. Only the ASCII line terminators are looked at
 * here, so raw bytes are copied as they are and the {@code data} of a complete event is handed
 * over as UTF-8 bytes, ready for Jackson's byte parser: no decoding, no String per line.
 *
 * <p>Follows the WHATWG event-stream rules that matter for LLM providers: {@code \n},
 * {@code \r\n} and {@code \r} line ends (Gemini sends CRLF), {@code event:} names, several
 * {@code data:} lines joined with {@code \n}, one optional space after the colon, comment lines
 * starting with {@code :}, a leading BOM, and an event dispatched only when a blank line ends
 * it. {@code id:} and {@code retry:} are ignored. An event whose data grows over the bound is
 * dropped (counted in {@link #droppedEvents()}) instead of growing memory; a last event without
 * its blank line is not dispatched, and {@link #finish()} reports that truncation.
 *
 * <p>Not thread-safe: one decoder per response body, fed sequentially.
 */
final class SseDecoder {

  /** Receives each complete event. Must not keep {@code data} after returning. */
  interface Listener {
    /**
     * @param event the {@code event:} name, or null when the event had none
     * @param data the joined {@code data:} lines, UTF-8, valid in {@code [0, length)}
     */
    void onEvent(String event, byte[] data, int length);
  }

  /** Default bound for one event's data (OpenAI's largest events are a few hundred KiB). */
  static final int DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024;

  private static final int KEEP_CAPACITY = 64 * 1024;
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

  private final Listener listener;
  private final int maxEventBytes;

  /** The current, not yet terminated, line (only when a line spans chunks). */
  private byte[] line = new byte[256];
  private int lineLength;
  /** The current line went over the bound; its bytes are no longer kept. */
  private boolean lineTooLong;
  /** The current line has at least one byte (kept or not). */
  private boolean lineStarted;
  /** The previous chunk ended with {@code \r}: a {@code \n} at the start of the next is part of it. */
  private boolean skipLf;
  private boolean firstLine = true;

  private byte[] data = new byte[1024];
  private int dataLength;
  private boolean hasData;
  /** Something of the current event was seen (a field line), so the stream is mid-event. */
  private boolean inEvent;
  private boolean dropping;

  private byte[] eventName;
  private int eventNameLength = -1;
  /** The last decoded event name and its bytes: names repeat, so decode each only once. */
  private byte[] cachedNameBytes = new byte[0];
  private String cachedName;

  private int droppedEvents;
  private boolean finished;

  SseDecoder(Listener listener) {
    this(listener, DEFAULT_MAX_EVENT_BYTES);
  }

  SseDecoder(Listener listener, int maxEventBytes) {
    this.listener = listener;
    this.maxEventBytes = Math.max(16, maxEventBytes);
  }

  /** Feeds the next chunk; complete events are dispatched before this returns. */
  void feed(byte[] bytes, int offset, int length) {
    if (finished || length <= 0) {
      return;
    }
    int end = offset + length;
    int i = offset;
    if (skipLf) {
      skipLf = false;
      if (bytes[i] == '\n') {
        i++;
      }
    }
    int lineStart = i;
    while (i < end) {
      byte c = bytes[i];
      if (c != '\n' && c != '\r') {
        i++;
        continue;
      }
      if (lineLength == 0 && !lineTooLong && !lineStarted) {
        processLine(bytes, lineStart, i - lineStart, false);
      } else {
        appendLine(bytes, lineStart, i - lineStart);
        int n = lineLength;
        boolean tooLong = lineTooLong;
        lineLength = 0;
        lineTooLong = false;
        lineStarted = false;
        processLine(line, 0, n, tooLong);
      }
      i++;
      if (c == '\r') {
        if (i < end) {
          if (bytes[i] == '\n') {
            i++;
          }
        } else {
          skipLf = true;
        }
      }
      lineStart = i;
    }
    if (lineStart < end) {
      appendLine(bytes, lineStart, end - lineStart);
    }
  }

  /**
   * The stream ended. Returns true when it was cut: a partial line or an event without its
   * terminating blank line was pending (and is discarded, not dispatched).
   */
  boolean finish() {
    if (finished) {
      return false;
    }
    finished = true;
    boolean truncated = lineStarted || inEvent;
    lineLength = 0;
    resetEvent();
    return truncated;
  }

  /** Events dropped because their data went over the bound. */
  int droppedEvents() {
    return droppedEvents;
  }

  private void appendLine(byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return;
    }
    lineStarted = true;
    if (lineTooLong) {
      return;
    }
    int needed = lineLength + length;
    if (needed + dataLength > maxEventBytes) {
      lineTooLong = true; // forget this line's bytes; the event it belongs to is dropped
      lineLength = 0;
      return;
    }
    ensureLine(needed);
    System.arraycopy(bytes, offset, line, lineLength, length);
    lineLength = needed;
  }

  private void ensureLine(int capacity) {
    if (capacity > line.length) {
      byte[] bigger = new byte[Math.max(capacity, Math.min(line.length * 2, maxEventBytes + 16))];
      System.arraycopy(line, 0, bigger, 0, lineLength);
      line = bigger;
    }
  }

  private void processLine(byte[] b, int off, int len, boolean tooLong) {
    if (tooLong) {
      inEvent = true;
      dropping = true;
      return;
    }
    if (firstLine) {
      firstLine = false;
      if (len >= 3 && b[off] == (byte) 0xEF && b[off + 1] == (byte) 0xBB && b[off + 2] == (byte) 0xBF) {
        off += 3;
        len -= 3;
        if (len == 0) {
          return; // a BOM alone on the first line is not a blank line
        }
      }
    }
    if (len == 0) {
      dispatch();
      return;
    }
    if (b[off] == ':') {
      return; // comment (keep-alives such as ": ping" or ": OPENROUTER PROCESSING")
    }
    inEvent = true;
    int colon = -1;
    for (int j = off; j < off + len; j++) {
      if (b[j] == ':') {
        colon = j;
        break;
      }
    }
    int nameEnd = colon < 0 ? off + len : colon;
    int valueStart = colon < 0 ? off + len : colon + 1;
    if (valueStart < off + len && b[valueStart] == ' ') {
      valueStart++;
    }
    int valueLength = off + len - valueStart;
    int nameLength = nameEnd - off;
    if (is(b, off, nameLength, DATA)) {
      appendData(b, valueStart, valueLength);
    } else if (is(b, off, nameLength, EVENT)) {
      if (eventName == null || eventName.length < valueLength) {
        eventName = new byte[Math.max(32, valueLength)];
      }
      System.arraycopy(b, valueStart, eventName, 0, valueLength);
      eventNameLength = valueLength;
    }
    // id, retry and unknown fields: ignored
  }

  private void appendData(byte[] b, int off, int len) {
    if (dropping) {
      return;
    }
    int needed = dataLength + (hasData ? 1 : 0) + len;
    if (needed > maxEventBytes) {
      dropping = true;
      return;
    }
    if (needed > data.length) {
      byte[] bigger = new byte[Math.min(Math.max(needed, data.length * 2), maxEventBytes)];
      System.arraycopy(data, 0, bigger, 0, dataLength);
      data = bigger;
    }
    if (hasData) {
      data[dataLength++] = '\n';
    }
    System.arraycopy(b, off, data, dataLength, len);
    dataLength += len;
    hasData = true;
  }

  private void dispatch() {
    try {
      if (dropping) {
        droppedEvents++;
      } else if (hasData) {
        listener.onEvent(name(), data, dataLength);
      }
    } finally {
      resetEvent();
    }
  }

  private String name() {
    int n = eventNameLength;
    if (n < 0) {
      return null;
    }
    if (cachedName != null && cachedNameBytes.length == n) {
      boolean same = true;
      for (int i = 0; i < n; i++) {
        if (cachedNameBytes[i] != eventName[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        return cachedName;
      }
    }
    byte[] copy = new byte[n];
    System.arraycopy(eventName, 0, copy, 0, n);
    cachedNameBytes = copy;
    cachedName = new String(copy, StandardCharsets.UTF_8);
    return cachedName;
  }

  private void resetEvent() {
    dataLength = 0;
    hasData = false;
    inEvent = false;
    dropping = false;
    eventNameLength = -1;
    if (data.length > KEEP_CAPACITY) {
      data = new byte[1024]; // don't hold a huge buffer for the rest of a long stream
    }
    if (line.length > KEEP_CAPACITY && lineLength == 0) {
      line = new byte[256];
    }
  }

  private static boolean is(byte[] b, int off, int len, byte[] name) {
    if (len != name.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[off + i] != name[i]) {
        return false;
      }
    }
    return true;
  }
}
