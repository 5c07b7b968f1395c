package dev.tollgate.instrumentation.okhttp;

import dev.tollgate.pipeline.LlmCall;
import java.io.OutputStream;

/** Adapts okio's {@code Buffer.copyTo(OutputStream, ...)} to {@link LlmCall#onBytes}. A helper class. */
final class CallBytesSink extends OutputStream {
  private final LlmCall call;

  CallBytesSink(LlmCall call) {
    this.call = call;
  }

  @Override
  public void write(int b) {
    call.onBytes(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    call.onBytes(b, off, len);
  }
}
