package dev.tollgate.instrumentation.okhttp;

import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Source;

/**
 * Passes every read through unchanged and shows the call the bytes that were just read,
 * straight from okio's segments (no copy). The end of the source ends the call; a close
 * before the end tells the call it was closed early; a failed read is an error.
 * A helper class.
 */
final class TeeSource extends ForwardingSource {
  private final LlmCall call;
  private final CallBytesSink sink;

  TeeSource(Source delegate, LlmCall call) {
    super(delegate);
    this.call = call;
    this.sink = new CallBytesSink(call);
  }

  @Override
  public long read(Buffer buffer, long byteCount) throws IOException {
    long n;
    try {
      n = super.read(buffer, byteCount);
    } catch (IOException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    }
    if (n == -1) {
      call.onComplete();
    } else if (n > 0 && !call.ended()) {
      try {
        buffer.copyTo(sink, buffer.size() - n, n);
      } catch (Throwable t) {
        // observing failed; the application's bytes are already in its buffer
      }
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      call.onClosedEarly();
    }
  }
}
