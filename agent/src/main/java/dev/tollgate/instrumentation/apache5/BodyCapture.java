package dev.tollgate.instrumentation.apache5;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;

/**
 * Reads a repeatable async request body by letting its producer write into memory, then rewinds
 * it ({@code releaseResources}, as the client does before its own retries). Null when the
 * producer does not finish at once (it waits for data): the body is then left to the client.
 * A helper class.
 */
final class BodyCapture implements DataStreamChannel {
  private static final int MAX_ROUNDS = 10_000;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private boolean ended;

  private BodyCapture() {}

  static byte[] drain(AsyncEntityProducer producer) throws java.io.IOException {
    BodyCapture capture = new BodyCapture();
    try {
      for (int i = 0; i < MAX_ROUNDS && !capture.ended; i++) {
        int before = capture.out.size();
        producer.produce(capture);
        if (!capture.ended && capture.out.size() == before && producer.available() <= 0) {
          break; // waiting for data we cannot wait for here
        }
      }
    } finally {
      producer.releaseResources();
    }
    return capture.ended ? capture.out.toByteArray() : null;
  }

  @Override
  public void requestOutput() {
  }

  @Override
  public int write(ByteBuffer src) {
    int n = src.remaining();
    if (src.hasArray()) {
      out.write(src.array(), src.arrayOffset() + src.position(), n);
      src.position(src.limit());
    } else {
      byte[] b = new byte[n];
      src.get(b);
      out.write(b, 0, n);
    }
    return n;
  }

  @Override
  public void endStream() {
    ended = true;
  }

  @Override
  public void endStream(List<? extends Header> trailers) {
    ended = true;
  }
}
