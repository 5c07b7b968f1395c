package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Records finished calls (span, metrics, report, console line) on one daemon thread of its own.
 *
 * <p>Why: a blocking client ends a call on the application's own thread, the moment the SDK
 * reads the last byte. Recording there is tens of microseconds the application waits for
 * (issue 6's profile of openai-java over OkHttp); here it runs beside the application's next
 * step instead. What the next call must see (cache entry, budgets) is settled before a call is
 * handed over, so nothing here is on anyone's critical path. One thread keeps calls in the
 * order they ended.
 *
 * <p>Bounded: when {@link #CAPACITY} calls wait, {@link #offer} refuses and the caller records
 * the call itself, so a recorder that falls behind slows callers down rather than growing.
 * The thread starts with the first call.
 */
final class CallRecorder {
  static final int CAPACITY = 4096;

  private final BlockingQueue<LlmCall> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Consumer<LlmCall> record;
  private volatile Thread thread;
  private volatile boolean failed;

  CallRecorder(Consumer<LlmCall> record) {
    this.record = record;
  }

  /** Hands the call over; false when the caller must record it itself (queue full, no thread). */
  boolean offer(LlmCall call) {
    if (thread == null && !start()) {
      return false;
    }
    return queue.offer(call);
  }

  private synchronized boolean start() {
    if (thread != null) {
      return true;
    }
    if (failed) {
      return false;
    }
    try {
      Thread t = new Thread(this::run, "tollgate-recorder");
      t.setDaemon(true);
      t.start();
      thread = t;
      return true;
    } catch (Throwable e) {
      failed = true;
      TollgateLog.warnOnce("internal:recorder-thread", "could not start the recording thread; calls are"
          + " recorded on the threads that end them", e);
      return false;
    }
  }

  private void run() {
    while (true) {
      LlmCall call;
      try {
        call = queue.take();
      } catch (InterruptedException e) {
        continue; // a daemon: it lives as long as the JVM
      }
      try {
        record.accept(call);
      } catch (Throwable t) {
        TollgateLog.warnOnce("internal:recorder", "could not record a call", t);
      }
    }
  }
}
