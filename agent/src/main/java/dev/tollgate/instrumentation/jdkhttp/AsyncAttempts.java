package dev.tollgate.instrumentation.jdkhttp;

import dev.tollgate.pipeline.ApplicationSpanScope;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The attempts of one {@code sendAsync} call under a retry or fallback policy: each attempt
 * is sent when the previous one's decision and delay allow, the delay waited on a scheduler
 * ({@link CompletableFuture#delayedExecutor}), never on a client thread.
 *
 * <p>Written as plain classes rather than lambdas: this adapter lives in the platform class
 * loader, where lambdas capturing an {@code HttpClient} subclass fail to link
 * ({@code NoClassDefFoundError: java/net/http/HttpClient}, seen on JDK 17 and 25).
 */
final class AsyncAttempts<T> {
  private final HttpClient delegate;
  private final HttpRequest prepared;
  private final LlmCall call;
  private final HttpResponse.BodyHandler<T> handler;
  private final HttpResponse.PushPromiseHandler<T> pushPromiseHandler;

  AsyncAttempts(HttpClient delegate, HttpRequest prepared, LlmCall call, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    this.delegate = delegate;
    this.prepared = prepared;
    this.call = call;
    this.handler = handler;
    this.pushPromiseHandler = pushPromiseHandler;
  }

  CompletableFuture<HttpResponse<T>> run(AttemptPlan plan) {
    if (plan.delayMillis() <= 0) {
      return send(plan);
    }
    return CompletableFuture.runAsync(Nothing.INSTANCE,
            CompletableFuture.delayedExecutor(plan.delayMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(new SendAfterWait(plan));
  }

  private CompletableFuture<HttpResponse<T>> send(AttemptPlan plan) {
    AttemptHandler<T> attempt = new AttemptHandler<>(handler, call);
    HttpRequest request = TollgateHttpClient.Prepared.requestFor(prepared, plan);
    CompletableFuture<HttpResponse<T>> sent;
    boolean was = Tollgate.enterHandling();
    try (ApplicationSpanScope inCallSpan = call.enterApplicationSpan()) {
      sent = pushPromiseHandler == null ? delegate.sendAsync(request, attempt)
          : delegate.sendAsync(request, attempt, pushPromiseHandler);
    } finally {
      Tollgate.exitHandling(was);
    }
    return sent.handle(new Decide(attempt)).thenCompose(Flatten.<T>instance());
  }

  private final class SendAfterWait implements Function<Void, CompletionStage<HttpResponse<T>>> {
    private final AttemptPlan plan;

    SendAfterWait(AttemptPlan plan) {
      this.plan = plan;
    }

    @Override
    public CompletionStage<HttpResponse<T>> apply(Void ignored) {
      return send(plan);
    }
  }

  /** After an attempt: deliver, try again, or fail as the client failed. */
  private final class Decide implements BiFunction<HttpResponse<T>, Throwable, CompletableFuture<HttpResponse<T>>> {
    private final AttemptHandler<T> attempt;

    Decide(AttemptHandler<T> attempt) {
      this.attempt = attempt;
    }

    @Override
    public CompletableFuture<HttpResponse<T>> apply(HttpResponse<T> response, Throwable error) {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        AttemptPlan next = call.afterFailure(cause);
        if (next == null) {
          call.onError(cause);
          return CompletableFuture.failedFuture(cause);
        }
        return run(next);
      }
      if (attempt.next() != null) {
        return run(attempt.next());
      }
      return CompletableFuture.completedFuture(
          PolicyResponses.Response.augment(response, call.extraResponseHeaders()));
    }
  }

  private static final class Flatten<T>
      implements Function<CompletableFuture<HttpResponse<T>>, CompletionStage<HttpResponse<T>>> {
    private static final Flatten<?> INSTANCE = new Flatten<>();

    @SuppressWarnings("unchecked")
    static <T> Flatten<T> instance() {
      return (Flatten<T>) INSTANCE;
    }

    @Override
    public CompletionStage<HttpResponse<T>> apply(CompletableFuture<HttpResponse<T>> f) {
      return f;
    }
  }

  private static final class Nothing implements Runnable {
    static final Nothing INSTANCE = new Nothing();

    @Override
    public void run() {}
  }
}
