package dev.tollgate.instrumentation;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local provider for the Apache adapter tests: answers a chat (JSON, or SSE when the request
 * asks for a stream), or the queued statuses first; records what it received. Installs a gateway
 * whose spans land in memory.
 */
public final class ApacheTestServer implements AutoCloseable {
  public static final String CHAT = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-mini-2024-07-18\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":22,\"completion_tokens\":2}}";
  public static final String SSE = "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
      + "\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
      + "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
      + "data: {\"id\":\"c\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":22,\"completion_tokens\":2}}\n\n"
      + "data: [DONE]\n\n";
  public static final String REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";
  public static final String STREAM_REQUEST = "{\"model\":\"gpt-4o-mini\",\"stream\":true,"
      + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}";

  public final InMemorySpanExporter spans = InMemorySpanExporter.create();
  public final List<String> bodies = new CopyOnWriteArrayList<>();
  public final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
  private final Deque<Integer> failures = new ArrayDeque<>();
  private final HttpServer server;

  public ApacheTestServer() throws IOException {
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    Tollgate.install(new Gateway(TollgateConfig.of(Map.of()), () -> (r, p) -> r.costUsd = 0.5,
        () -> new OtelTelemetry(sdk)));
    try {
      Tollgate.gateway().warmUpAndWait(10_000); // calls then end synchronously: spans are there when a test looks
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(body);
      headers.add(Map.copyOf(ex.getRequestHeaders()));
      Integer fail;
      synchronized (failures) {
        fail = failures.pollFirst();
      }
      if (fail != null) {
        ex.getResponseHeaders().add("retry-after-ms", "1");
        ex.sendResponseHeaders(fail, -1);
        ex.close();
        return;
      }
      boolean stream = body.contains("\"stream\":true");
      byte[] b = (stream ? SSE : CHAT).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("content-type", stream ? "text/event-stream" : "application/json");
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
  }

  /** The next requests are answered with these statuses (no body), in order. */
  public void failNext(int... statuses) {
    synchronized (failures) {
      for (int s : statuses) {
        failures.add(s);
      }
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public List<SpanData> finished() {
    return spans.getFinishedSpanItems();
  }

  public static Long longAttr(SpanData span, String name) {
    return span.getAttributes().get(AttributeKey.longKey(name));
  }

  public static String strAttr(SpanData span, String name) {
    return span.getAttributes().get(AttributeKey.stringKey(name));
  }

  @Override
  public void close() {
    server.stop(0);
    Tollgate.install(null);
  }
}
