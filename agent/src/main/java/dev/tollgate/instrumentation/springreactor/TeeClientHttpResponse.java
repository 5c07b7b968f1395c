package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.pipeline.LlmCall;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ClientHttpResponseDecorator;
import reactor.core.publisher.Flux;

/**
 * The response a WebClient gets for a handled call: the real one, with Tollgate's response
 * headers added, and a body {@code Flux} teed to the call: each buffer is shown to the call as
 * it passes (read through a view, never consumed, nothing held back), then the end, an error,
 * or a cancel (the application stopped reading: closed early). A helper class.
 */
final class TeeClientHttpResponse extends ClientHttpResponseDecorator {
  private final LlmCall call;
  private final HttpHeaders headers;

  TeeClientHttpResponse(ClientHttpResponse delegate, LlmCall call, List<Map.Entry<String, String>> extraHeaders) {
    super(delegate);
    this.call = call;
    this.headers = extraHeaders.isEmpty() ? null : OutgoingRequests.withExtra(delegate.getHeaders(), extraHeaders);
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers == null ? super.getHeaders() : headers;
  }

  @Override
  public Flux<DataBuffer> getBody() {
    return tee(super.getBody(), call);
  }

  static Flux<DataBuffer> tee(Flux<DataBuffer> body, LlmCall call) {
    return body.doOnNext(buffer -> show(buffer, call))
        .doOnComplete(call::onComplete)
        .doOnError(call::onError)
        .doOnCancel(call::onClosedEarly);
  }

  /** Shows the call the buffer's readable bytes without moving its read position. */
  static void show(DataBuffer buffer, LlmCall call) {
    if (call.ended()) {
      return;
    }
    try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
      while (it.hasNext()) {
        ByteBuffer bb = it.next();
        int n = bb.remaining();
        if (bb.hasArray()) {
          call.onBytes(bb.array(), bb.arrayOffset() + bb.position(), n);
        } else {
          byte[] copy = new byte[n];
          bb.get(copy);
          call.onBytes(copy, 0, n);
        }
      }
    } catch (Throwable t) {
      // observing failed; the application's bytes flow on untouched
    }
  }
}
