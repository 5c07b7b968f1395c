package dev.tollgate.instrumentation.apache5;

import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.nio.AsyncDataConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;

/**
 * The application's body consumer, fed first; the call is then shown the bytes it was given. The
 * end of the stream completes the call, just before the application's consumer hears of it. A
 * helper class.
 */
final class TeeDataConsumer implements AsyncDataConsumer {
  private final AsyncDataConsumer delegate;
  private final LlmCall call;

  TeeDataConsumer(AsyncDataConsumer delegate, LlmCall call) {
    this.delegate = delegate;
    this.call = call;
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    delegate.updateCapacity(capacityChannel);
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    // HttpCore hands each buffer over once: what was in it is consumed, whether or not the
    // consumer moved its position (some copy from the backing array and leave it)
    ByteBuffer seen = src.duplicate();
    delegate.consume(src);
    try {
      int n = seen.remaining();
      if (n > 0 && !call.ended()) {
        byte[] bytes = new byte[n];
        seen.get(bytes);
        call.onBytes(bytes, 0, n);
      }
    } catch (Throwable t) {
      // observing failed; the application already has its bytes
    }
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) throws HttpException, IOException {
    // the call ends (and a cacheable answer is stored) before the application's consumer completes
    // its future: an app that sends the same request as soon as it has the answer gets the hit
    call.onComplete();
    delegate.streamEnd(trailers);
  }

  @Override
  public void releaseResources() {
    try {
      delegate.releaseResources();
    } finally {
      call.onClosedEarly();
    }
  }
}
