package dev.tollgate.instrumentation;

import dev.tollgate.pipeline.LlmCall;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body stream as the application reads it: every read passes through unchanged and
 * the bytes just read are then shown to the call. The end of the stream completes the call, a
 * close before the end tells it the body was closed early, a failed read is an error.
 *
 * Reads are never enlarged or batched, so a stream (SSE) reaches the application as the client
 * hands it over.
 *
 * <p>Compiled against java.base only, so it lives in the core (bootstrap) and serves every
 * client whose bodies are {@link InputStream}s (Apache HttpClient 4 and 5, HttpURLConnection).
 */
public final class TeeInputStream extends FilterInputStream {
  private final LlmCall call;

  public TeeInputStream(InputStream in, LlmCall call) {
    super(in);
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

  @Override
  public long skip(long n) throws IOException {
    // through read(), so skipped bytes are still seen by the codec
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
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
