package dev.tollgate.instrumentation.urlconnection;

import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import java.io.InputStream;

/**
 * The response body as the application reads it: every read passes through unchanged, and the
 * bytes just read are shown to the call. End of stream completes the call, a close before it
 * tells the call it was closed early, a failed read is an error. Reads are never enlarged or
 * batched, so a stream (SSE) reaches the application as the JDK hands it over.
 */
final class TeeInputStream extends InputStream {
  private final InputStream in;
  private final LlmCall call;

  TeeInputStream(InputStream in, LlmCall call) {
    this.in = in;
    this.call = call;
  }

  @Override
  public int read() throws IOException {
    int b;
    try {
      b = in.read();
    } catch (IOException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    }
    if (b == -1) {
      call.onComplete();
    } else if (!call.ended()) {
      call.onBytes(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    }
    if (n == -1) {
      call.onComplete();
    } else if (n > 0) {
      call.onBytes(b, off, n);
    }
    return n;
  }

  /** Skipped bytes are read, so that the call sees them too. */
  @Override
  public long skip(long n) throws IOException {
    if (n <= 0) {
      return 0;
    }
    byte[] buffer = new byte[(int) Math.min(8192, n)];
    long left = n;
    while (left > 0) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, left));
      if (r < 0) {
        break;
      }
      left -= r;
    }
    return n - left;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    try {
      in.close();
    } finally {
      call.onClosedEarly();
    }
  }
}
