package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Why it polls: waking a parked thread for every call (a condition signal, a futex system
 * call) cost the handing-over thread as much as the recording it saved, in the same profile. So
 * handing over is a lock-free enqueue, and while calls keep coming the thread looks every
 * {@link #POLL_MICROS} µs and records what has queued up; after {@link #IDLE_MILLIS} ms with none
 * it sleeps until the next call wakes it (once).
 *
 * <p>Bounded: when {@link #CAPACITY} calls wait, {@link #offer} refuses and the caller records
 * the call itself, so a recorder that falls behind slows callers down rather than growing.
 * The thread starts with the first call.
 */
final class CallRecorder {
  static final int CAPACITY = 4096;
  static final long POLL_MICROS = 1000;
  static final long IDLE_MILLIS = 100;

  private final ConcurrentLinkedQueue<LlmCall> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final Consumer<LlmCall> record;
  private volatile Thread thread;
  private volatile boolean sleeping;
  private volatile boolean failed;

  CallRecorder(Consumer<LlmCall> record) {
    this.record = record;
  }

  /** Hands the call over; false when the caller must record it itself (queue full, no thread). */
  boolean offer(LlmCall call) {
    Thread t = thread;
    if (t == null) {
      if (!start()) {
        return false;
      }
      t = thread;
    }
    if (size.incrementAndGet() > CAPACITY) {
      size.decrementAndGet();
      return false;
    }
    queue.offer(call);
    if (sleeping) { // read after the enqueue: either the thread sees the call or we see it asleep
      LockSupport.unpark(t);
    }
    return true;
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
      thread = t;
      t.start();
      return true;
    } catch (Throwable e) {
      thread = null;
      failed = true;
      TollgateLog.warnOnce("internal:recorder-thread", "could not start the recording thread; calls are"
          + " recorded on the threads that end them", e);
      return false;
    }
  }

  private void run() {
    long lastCall = System.nanoTime();
    while (true) {
      LlmCall call;
      while ((call = queue.poll()) != null) {
        size.decrementAndGet();
        try {
          record.accept(call);
        } catch (Throwable t) {
          TollgateLog.warnOnce("internal:recorder", "could not record a call", t);
        }
        lastCall = System.nanoTime();
      }
      if (System.nanoTime() - lastCall > TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
        sleeping = true; // written before the queue is read again: see offer
        if (queue.isEmpty()) {
          LockSupport.park(this);
        }
        sleeping = false;
        lastCall = System.nanoTime();
      } else {
        LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(POLL_MICROS));
      }
    }
  }
}
