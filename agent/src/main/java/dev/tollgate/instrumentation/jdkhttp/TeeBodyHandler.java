package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.LlmCall;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Wraps the application's body handler: the application's own subscriber gets every buffer
 * first and unchanged; the call then sees a duplicate of the same bytes. Nothing is held
 * back, so a streamed chunk reaches the application as soon as without the agent.
 */
final class TeeBodyHandler<T> implements HttpResponse.BodyHandler<T> {
  private final HttpResponse.BodyHandler<T> app;
  private final LlmCall call;

  TeeBodyHandler(HttpResponse.BodyHandler<T> app, LlmCall call) {
    this.app = app;
    this.call = call;
  }

  @Override
  public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
    HttpResponse.BodySubscriber<T> downstream = app.apply(info);
    try {
      call.onResponseHead(info.statusCode(), name -> info.headers().firstValue(name).orElse(null));
      return new TeeSubscriber<>(downstream, call);
    } catch (Throwable t) {
      TollgateLog.warnOnce("jdkhttp:tee", "could not observe a JDK HttpClient response body", t);
      call.onClosedEarly();
      return downstream;
    }
  }

  static final class TeeSubscriber<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<T> downstream;
    private final LlmCall call;
    private byte[] scratch;

    TeeSubscriber(HttpResponse.BodySubscriber<T> downstream, LlmCall call) {
      this.downstream = downstream;
      this.call = call;
    }

    @Override
    public CompletionStage<T> getBody() {
      return downstream.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      downstream.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          subscription.request(n);
        }

        @Override
        public void cancel() {
          subscription.cancel();
          call.onClosedEarly();
        }
      });
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      ByteBuffer[] copies = null;
      try {
        copies = new ByteBuffer[items.size()];
        for (int i = 0; i < copies.length; i++) {
          copies[i] = items.get(i).duplicate();
        }
      } catch (Throwable t) {
        copies = null;
      }
      downstream.onNext(items);
      if (copies != null) {
        try {
          for (ByteBuffer b : copies) {
            feed(b);
          }
        } catch (Throwable t) {
          TollgateLog.warnOnce("jdkhttp:feed", "could not observe response bytes", t);
        }
      }
    }

    private void feed(ByteBuffer b) {
      int n = b.remaining();
      if (n == 0) {
        return;
      }
      if (b.hasArray()) {
        call.onBytes(b.array(), b.arrayOffset() + b.position(), n);
        return;
      }
      if (scratch == null || scratch.length < n) {
        scratch = new byte[Math.max(n, 8192)];
      }
      b.get(scratch, 0, n);
      call.onBytes(scratch, 0, n);
    }

    @Override
    public void onError(Throwable throwable) {
      call.onError(throwable);
      downstream.onError(throwable);
    }

    /**
     * The call's outcome is settled (cache entry, cost) before the application sees the end of
     * its response, and its span and metrics are recorded after, off the application's wait. A
     * JVM that exits right after the call still exports it: exit waits for calls being recorded.
     */
    @Override
    public void onComplete() {
      call.onComplete(new CompleteDownstream(downstream));
    }
  }

  /** A plain class, not a method reference: this one is injected into the platform class loader. */
  static final class CompleteDownstream implements Runnable {
    private final HttpResponse.BodySubscriber<?> downstream;

    CompleteDownstream(HttpResponse.BodySubscriber<?> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void run() {
      downstream.onComplete();
    }
  }
}
