package dev.tollgate.instrumentation.springreactor;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request a WebClient exchange writes, kept instead of sent: the application's request
 * callback runs against it once, and every attempt then replays its headers, cookies,
 * attributes and body bytes to a real connection. LLM request bodies are small JSON; the
 * body's buffers are copied and released as they come.
 *
 * <p>Why a whole request is recorded first: the endpoint (for {@code /v1/messages} on an unknown
 * host), the policies and the cache key all depend on the headers and the body, and a retry or
 * fallback must send the same bytes again. A helper class.
 */
final class RecordingClientHttpRequest extends AbstractClientHttpRequest {
  private final HttpMethod method;
  private final URI uri;
  private ByteArrayOutputStream body;

  RecordingClientHttpRequest(HttpMethod method, URI uri) {
    this.method = method;
    this.uri = uri;
  }

  @Override
  public HttpMethod getMethod() {
    return method;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public DataBufferFactory bufferFactory() {
    return DefaultDataBufferFactory.sharedInstance;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getNativeRequest() {
    return (T) this;
  }

  @Override
  public Mono<Void> writeWith(Publisher<? extends DataBuffer> bodyPublisher) {
    if (body == null) {
      body = new ByteArrayOutputStream(1024);
    }
    // captures no instance of this injected class: such a lambda would not link (see ReactorExchange)
    ByteArrayOutputStream sink = body;
    return doCommit(() -> Flux.from(bodyPublisher).doOnNext(buffer -> append(sink, buffer)).then());
  }

  @Override
  public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> bodyPublisher) {
    return writeWith(Flux.from(bodyPublisher).concatMap(Flux::from));
  }

  @Override
  public Mono<Void> setComplete() {
    return doCommit();
  }

  @Override
  protected void applyHeaders() {
    // kept in getHeaders(); replayed onto each attempt
  }

  @Override
  protected void applyCookies() {
    // kept in getCookies(); replayed onto each attempt
  }

  private static void append(ByteArrayOutputStream sink, DataBuffer buffer) {
    try (DataBuffer.ByteBufferIterator it = buffer.readableByteBuffers()) {
      while (it.hasNext()) {
        ByteBuffer bb = it.next();
        byte[] chunk = new byte[bb.remaining()];
        bb.get(chunk);
        sink.write(chunk, 0, chunk.length);
      }
    } finally {
      DataBufferUtils.release(buffer);
    }
  }

  /** The body bytes written, or null when the request was completed without a body. */
  byte[] body() {
    return body == null ? null : body.toByteArray();
  }

  /** The headers as the callback left them. */
  HttpHeaders recordedHeaders() {
    return getHeaders();
  }
}
