package dev.tollgate.alert;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.telemetry.OwnTraffic;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POSTs alert messages to the configured webhook from one daemon thread of its own.
 *
 * <p>Why a thread and a bounded queue: an application call that sets off an alert only
 * enqueues its message (never blocking: a full queue drops the message, with one log line), so
 * a webhook that fails or hangs can never slow a call. Each POST has a connect and a read
 * timeout; a failure is logged once per kind and the message is not retried. The POST goes
 * through {@link OwnTraffic}, so the agent's own HTTP adapters leave it alone.
 */
final class WebhookSender {
  static final int QUEUE = 256;

  private final URL url;
  private final int timeoutMillis;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
  private volatile Thread worker;
  /** Messages queued or being posted: counted before the enqueue, so a drain never misses one being taken. */
  private final AtomicInteger unsent = new AtomicInteger();

  WebhookSender(URI uri, int timeoutMillis) throws IOException {
    String scheme = uri.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IOException("not an http(s) URL");
    }
    this.url = uri.toURL();
    this.timeoutMillis = timeoutMillis;
  }

  /** Queues one JSON payload; never blocks. */
  void send(byte[] json) {
    unsent.incrementAndGet();
    if (!queue.offer(json)) {
      unsent.decrementAndGet();
      TollgateLog.warnOnce("alerts:webhook-queue", "the alert webhook is not keeping up; alerts are dropped");
      return;
    }
    startWorker();
  }

  /** Waits at most {@code timeoutMillis} for the queued messages to go out (at JVM exit). */
  void drain(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (unsent.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void startWorker() {
    if (worker != null) {
      return;
    }
    synchronized (this) {
      if (worker != null) {
        return;
      }
      Thread t = new Thread(this::run, "tollgate-alert-webhook");
      t.setDaemon(true);
      worker = t;
      t.start();
    }
  }

  private void run() {
    while (true) {
      byte[] json;
      try {
        json = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        post(json);
      } finally {
        unsent.decrementAndGet();
      }
    }
  }

  private void post(byte[] json) {
    boolean was = OwnTraffic.begin();
    HttpURLConnection c = null;
    try {
      c = (HttpURLConnection) url.openConnection();
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(json.length);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(json);
      }
      int status = c.getResponseCode();
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (in != null) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      if (status >= 300) {
        TollgateLog.warnOnce("alerts:webhook-status:" + status, "the alert webhook answered HTTP " + status);
      }
    } catch (IOException | RuntimeException e) {
      TollgateLog.warnOnce("alerts:webhook:" + e.getClass().getName(), "could not POST an alert to the webhook ("
          + e.getClass().getSimpleName() + ")");
    } finally {
      OwnTraffic.end(was);
    }
  }
}
