package dev.tollgate.instrumentation.jdkhttp;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reads a request's {@link HttpRequest.BodyPublisher} into bytes, once, so the codec can see
 * the body and the client can be given a repeatable copy. The JDK's own publishers (string,
 * byte array, input stream, file) deliver synchronously on subscription, so for them the
 * future is already complete when {@link #collect} returns.
 */
final class BodyCollector implements Flow.Subscriber<ByteBuffer> {
  private final ByteArrayOutputStream out;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();

  private BodyCollector(long expectedLength) {
    this.out = new ByteArrayOutputStream(expectedLength > 0 && expectedLength < (1 << 24) ? (int) expectedLength : 1024);
  }

  static CompletableFuture<byte[]> collect(HttpRequest.BodyPublisher publisher) {
    BodyCollector c = new BodyCollector(publisher.contentLength());
    publisher.subscribe(c);
    return c.result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (item.hasArray()) {
      out.write(item.array(), item.arrayOffset() + item.position(), item.remaining());
    } else {
      byte[] b = new byte[item.remaining()];
      item.duplicate().get(b);
      out.write(b, 0, b.length);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }
}
