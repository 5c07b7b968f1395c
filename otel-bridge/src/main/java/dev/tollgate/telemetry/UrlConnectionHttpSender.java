package dev.tollgate.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.HttpsURLConnection;

/**
 * Sends OTLP over HTTP with {@link HttpURLConnection}.
 *
 * <p>Why not the SDK's JDK or OkHttp senders: Tollgate's core and its relocated SDK live in
 * the bootstrap class loader, which cannot see java.net.http (a platform-loader module), and
 * OkHttp is a client Tollgate instruments. {@code HttpURLConnection} is in java.base, visible
 * everywhere, and its calls to the collector are never LLM calls. Plugged in through the
 * SDK's public {@code HttpSenderProvider} SPI, so every {@code otel.exporter.otlp.*} setting
 * (endpoint, headers, compression, timeout, TLS, retry) still applies.
 */
final class UrlConnectionHttpSender implements HttpSender {
  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  /** The last attempt to reach a collector was refused (see {@link TelemetrySdk#flushAtExit}). */
  private static volatile boolean lastConnectRefused;
  /** The JVM is exiting: one attempt per export, no backoff (see {@link TelemetrySdk#flushAtExit}). */
  private static volatile boolean exiting;

  private final HttpSenderConfig config;
  private final ExecutorService executor;
  private final boolean ownExecutor;

  UrlConnectionHttpSender(HttpSenderConfig config) {
    this.config = config;
    ExecutorService given = config.getExecutorService();
    this.ownExecutor = given == null;
    this.executor = given != null ? given : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tollgate-otlp-http");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void send(MessageWriter messageWriter, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    // beside the OpenTelemetry Java agent, its HttpURLConnection instrumentation must not trace the export
    executor.execute(() -> JavaAgentSuppression.run(() -> {
      try {
        onResponse.accept(sendWithRetries(messageWriter));
      } catch (Throwable t) {
        onError.accept(t);
      }
    }));
  }

  private HttpResponse sendWithRetries(MessageWriter writer) throws IOException, InterruptedException {
    byte[] body = encode(writer);
    RetryPolicy retry = config.getRetryPolicy();
    int maxAttempts = retry == null ? 1 : Math.max(1, retry.getMaxAttempts());
    long backoffNanos = retry == null ? 0 : retry.getInitialBackoff().toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse response;
        try {
          response = post(body);
          lastConnectRefused = false;
        } catch (ConnectException e) {
          lastConnectRefused = true;
          throw e;
        }
        int s = response.getStatusCode();
        boolean retryable = s == 429 || s == 502 || s == 503 || s == 504;
        if (!retryable || attempt >= maxAttempts || exiting) {
          return response;
        }
      } catch (IOException e) {
        if (attempt >= maxAttempts || exiting || !retryable(retry, e)) {
          throw e;
        }
      }
      long cap = Math.min(backoffNanos, retry.getMaxBackoff().toNanos());
      TimeUnit.NANOSECONDS.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, cap)));
      backoffNanos = (long) (backoffNanos * retry.getBackoffMultiplier());
    }
  }

  static void exiting() {
    exiting = true;
  }

  static boolean lastConnectRefused() {
    return lastConnectRefused;
  }

  private static boolean retryable(RetryPolicy retry, IOException e) {
    if (retry != null && retry.getRetryExceptionPredicate() != null) {
      return retry.getRetryExceptionPredicate().test(e);
    }
    return e instanceof ConnectException || e instanceof SocketTimeoutException;
  }

  private byte[] encode(MessageWriter writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(64, writer.getContentLength()));
    Compressor compressor = config.getCompressor();
    if (compressor == null) {
      writer.writeMessage(bytes);
    } else {
      try (OutputStream out = compressor.compress(bytes)) {
        writer.writeMessage(out);
      }
    }
    return bytes.toByteArray();
  }

  private HttpResponse post(byte[] body) throws IOException {
    URL url = config.getEndpoint().toURL();
    HttpURLConnection conn;
    boolean was = OwnTraffic.begin(); // never intercepted by the agent's HttpURLConnection adapter
    try {
      if (config.getProxyOptions() != null) {
        List<Proxy> proxies = config.getProxyOptions().getProxySelector().select(config.getEndpoint());
        conn = (HttpURLConnection) url.openConnection(proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0));
      } else {
        conn = (HttpURLConnection) url.openConnection();
      }
    } finally {
      OwnTraffic.end(was);
    }
    if (conn instanceof HttpsURLConnection && config.getSslContext() != null) {
      ((HttpsURLConnection) conn).setSSLSocketFactory(config.getSslContext().getSocketFactory());
    }
    conn.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, config.getConnectTimeout().toMillis())));
    conn.setReadTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, config.getTimeout().toMillis())));
    conn.setRequestMethod("POST");
    conn.setDoOutput(true);
    conn.setUseCaches(false);
    conn.setFixedLengthStreamingMode(body.length);
    conn.setRequestProperty("Content-Type", config.getContentType());
    if (config.getCompressor() != null) {
      conn.setRequestProperty("Content-Encoding", config.getCompressor().getEncoding());
    }
    if (config.getHeadersSupplier() != null) {
      Map<String, List<String>> headers = config.getHeadersSupplier().get();
      if (headers != null) {
        headers.forEach((name, values) -> values.forEach(v -> conn.addRequestProperty(name, v)));
      }
    }
    try {
      try (OutputStream out = conn.getOutputStream()) {
        out.write(body);
      }
      int status = conn.getResponseCode();
      String message = conn.getResponseMessage();
      byte[] responseBody = readAll(status >= 400 ? conn.getErrorStream() : conn.getInputStream());
      return new Response(status, message == null ? "" : message, responseBody);
    } finally {
      conn.disconnect();
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    if (in == null) {
      return new byte[0];
    }
    try (InputStream s = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      int n;
      while ((n = s.read(buf)) != -1 && out.size() < MAX_RESPONSE_BYTES) {
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    if (ownExecutor) {
      executor.shutdown();
    }
    return CompletableResultCode.ofSuccess();
  }

  private static final class Response implements HttpResponse {
    private final int status;
    private final String message;
    private final byte[] body;

    Response(int status, String message, byte[] body) {
      this.status = status;
      this.message = message;
      this.body = body;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return message;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }
}
