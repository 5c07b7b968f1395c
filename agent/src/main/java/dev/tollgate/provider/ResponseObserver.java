package dev.tollgate.provider;

/**
 * Sees a response body as it flows to the application, in the chunks the client delivers.
 *
 * <p>Why incremental: a streamed first token must reach the app as fast as without the
 * agent, so nothing may wait for the whole body. Implementations parse each complete SSE
 * event as soon as its bytes are in, and only accumulate (bounded) a plain JSON body.
 * Must never throw and must not keep references to the passed arrays after returning.
 */
public interface ResponseObserver {

  void onBytes(byte[] bytes, int offset, int length);

  /**
   * The body ended. {@code complete} is false when it was cut (error, cancel, close before
   * the end); an observer then records what it saw so far.
   */
  void onEnd(boolean complete);

  /**
   * True once the body carried its format's own end (an SSE stream's final event, such as
   * {@code [DONE]}): an application that closes the body right after it has all of it.
   */
  default boolean sawEnd() {
    return false;
  }
}
