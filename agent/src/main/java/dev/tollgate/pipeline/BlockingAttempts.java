package dev.tollgate.pipeline;

import dev.tollgate.provider.HeaderLookup;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * The attempt loop of a blocking client under a retry or fallback policy, written once for
 * every adapter whose transport is a plain blocking call (OkHttp, Apache HttpClient 4 and 5,
 * HttpURLConnection): wait the plan's delay on the calling thread (it was waiting for the
 * answer anyway), send, and let the call decide — deliver, repeat, or give up as the client
 * failed. The adapter only knows how to send a plan, read a status, and drop a response.
 */
public final class BlockingAttempts {
  private BlockingAttempts() {}

  /** How one client sends an attempt and reads or drops its response. */
  public interface Transport<R, X extends Exception> {
    R send(AttemptPlan plan) throws IOException, X;

    int status(R response);

    HeaderLookup headers(R response);

    /** Drops a response the policies repeat: drain what is cheap to drain, then close. Never throws. */
    void discard(R response);
  }

  /**
   * Runs the attempts from the call's first plan and returns the response to deliver. An
   * exception (the last attempt's, or an interrupt while waiting) ends the call with it and is
   * thrown to the application as the client would have thrown it.
   */
  public static <R, X extends Exception> R run(LlmCall call, Transport<R, X> transport) throws IOException, X {
    AttemptPlan plan = call.firstAttempt();
    boolean was = Tollgate.enterHandling();
    try {
      while (true) {
        if (plan.delayMillis() > 0) {
          try {
            Thread.sleep(plan.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
          }
        }
        R response;
        try (ApplicationSpanScope inCallSpan = call.enterApplicationSpan()) {
          response = transport.send(plan);
        } catch (IOException e) {
          AttemptPlan next = call.afterFailure(e);
          if (next == null) {
            throw e;
          }
          plan = next;
          continue;
        }
        AttemptPlan next = call.afterResponse(transport.status(response), transport.headers(response));
        if (next == null) {
          return response;
        }
        transport.discard(response);
        plan = next;
      }
    } catch (Throwable e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }
  }
}
