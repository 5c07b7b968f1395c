package dev.tollgate.bench.load;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.ChatModel;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application the benchmark measures. Like the sample apps it knows nothing about Tollgate:
 * the runner starts it in a fresh JVM with no agent, with Tollgate, or with the OpenTelemetry Java
 * agent, and reads one line {@code RESULT {...}} (flat JSON of numbers) from its stdout.
 *
 * <p>Why its own app rather than the sample apps: the sample apps make a handful of calls and
 * print what they saw; a benchmark needs thousands of calls in a loop, warm-up, and timings taken
 * inside the JVM (so JVM start-up does not blur a per-call number).
 *
 * <p>Every chat body is unique (a counter in the question), so "all policies on" exercises a
 * cache miss and a cache write per call instead of serving hits; the no-agent run sends the same
 * bodies. Usage: {@code LoadApp <mode> key=value...} with {@code BENCH_BASE_URL} (ends in /v1).
 * Modes: latency, throughput, stream, cache, startup, memory; stacks: {@code jdk} (the JDK
 * HttpClient, hand-written JSON), {@code openai} (openai-java over OkHttp), {@code nonllm} (the JDK
 * HttpClient posting to a path that is no LLM endpoint).
 */
public final class LoadApp {
  private static final long MAIN_ENTERED_MILLIS = System.currentTimeMillis();
  private static final String QUESTION = "Answer in up to 3 words: Which ocean contains Bouvet Island?";

  private final String baseUrl;
  private final String apiKey;
  private final HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private OpenAIClient openAi;
  private final AtomicInteger counter = new AtomicInteger();

  private LoadApp(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  public static void main(String[] args) throws Exception {
    long mainEntered = MAIN_ENTERED_MILLIS;
    String mode = args[0];
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      opts.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    LoadApp app = new LoadApp(System.getenv("BENCH_BASE_URL"), System.getenv().getOrDefault("OPENAI_API_KEY", "sk-bench"));
    String stack = opts.getOrDefault("stack", "jdk");
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "500"));
    int calls = Integer.parseInt(opts.getOrDefault("calls", "1000"));
    int warmupThreads = Integer.parseInt(opts.getOrDefault("warmupThreads", "8"));
    Map<String, Number> result = new LinkedHashMap<>();
    switch (mode) {
      case "latency" -> {
        app.warmUp(warmupThreads, warmup, () -> app.call(stack));
        result.putAll(summary("", app.timed(stack, calls)));
      }
      case "throughput" -> {
        double warmupSeconds = Double.parseDouble(opts.getOrDefault("warmupSeconds", "2"));
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "3"));
        app.warmUp(warmupThreads, warmup, () -> app.call(stack));
        for (String t : opts.getOrDefault("threads", "1,8,32").split(",")) {
          int threads = Integer.parseInt(t);
          result.put("calls_per_s_" + threads, app.throughput(stack, threads, warmupSeconds, seconds));
        }
      }
      case "stream" -> {
        app.warmUp(warmupThreads, warmup, () -> app.stream(stack));
        long[] first = new long[calls];
        long[] rest = new long[calls];
        for (int i = 0; i < calls; i++) {
          long[] r = app.stream(stack);
          first[i] = r[0];
          rest[i] = r[1];
        }
        result.putAll(summary("first_chunk_", first));
        result.putAll(summary("first_to_last_", rest));
      }
      case "cache" -> {
        // the same question is a hit after its first call; a new question is a miss (and a write)
        app.cached(stack, false);
        app.warmUp(warmupThreads, warmup, () -> {
          app.cached(stack, false);
          app.cached(stack, true);
        });
        long[] hits = new long[calls];
        long[] misses = new long[calls];
        for (int i = 0; i < calls; i++) {
          misses[i] = app.cached(stack, true);
          hits[i] = app.cached(stack, false);
        }
        result.putAll(summary("hit_", hits));
        result.putAll(summary("miss_", misses));
      }
      case "startup" -> {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        app.loop(stack, 1);
        result.put("main_entered_ms", mainEntered - jvmStart);
        result.put("main_done_ms", System.currentTimeMillis() - jvmStart);
      }
      case "memory" -> {
        app.loop(stack, calls);
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        result.put("heap_used_mb", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        result.put("rss_mb", rssKb() / 1024.0);
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    if (app.openAi != null) {
      app.openAi.close();
    }
    System.out.println("RESULT " + json(result));
    System.out.flush();
  }

  interface Step {
    void run() throws Exception;
  }

  /**
   * Runs {@code total} steps from {@code threads} threads before anything is timed. Why threads:
   * the JIT compiles a method fully after some 10,000 invocations; at ~1.5 ms per sequential call
   * against the stub that takes 15 s, while several callers get there in a few seconds. Every
   * variant gets the same warm-up, so no-agent and agent runs are measured in the same state.
   */
  private void warmUp(int threads, int total, Step step) throws Exception {
    AtomicInteger left = new AtomicInteger(total);
    List<Throwable> failures = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < Math.max(1, threads); t++) {
      Thread worker = new Thread(() -> {
        try {
          while (left.getAndDecrement() > 0) {
            step.run();
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        }
      }, "warm-up-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a warm-up call failed", failures.get(0));
    }
  }

  private void loop(String stack, int calls) throws Exception {
    for (int i = 0; i < calls; i++) {
      call(stack);
    }
  }

  private long[] timed(String stack, int calls) throws Exception {
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call(stack);
      nanos[i] = System.nanoTime() - start;
    }
    return nanos;
  }

  private double throughput(String stack, int threads, double warmupSeconds, double seconds) throws Exception {
    LongAdder done = new LongAdder();
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmupSeconds * 1e9);
    long measureTo = measureFrom + (long) (seconds * 1e9);
    CountDownLatch finished = new CountDownLatch(threads);
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        try {
          while (true) {
            call(stack);
            long now = System.nanoTime();
            if (now >= measureTo) {
              break;
            }
            if (now >= measureFrom) {
              done.increment();
            }
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e);
          }
        } finally {
          finished.countDown();
        }
      }, "caller-" + t);
      worker.start();
    }
    finished.await();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a caller failed", failures.get(0));
    }
    return done.sum() / seconds;
  }

  /** One non-streaming call on the given stack; the whole body is read and parsed as the app would. */
  private void call(String stack) throws Exception {
    switch (stack) {
      case "jdk" -> {
        HttpResponse<String> r = jdk.send(chatRequest(chatBody(nextQuestion(), false)), HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), r.body().contains("\"choices\""));
      }
      case "nonllm" -> {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/orders/search"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"c-" + counter.incrementAndGet() + "\",\"limit\":10}"))
            .build();
        HttpResponse<String> r = jdk.send(request, HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), r.body().contains("orders"));
      }
      case "openai" -> {
        ChatCompletion completion = openAi().chat().completions().create(question(nextQuestion()).build());
        check(200, !completion.choices().isEmpty());
      }
      default -> throw new IllegalArgumentException("unknown stack " + stack);
    }
  }

  /** A cached call with Helicone's header: {@code fresh} asks a new question (a miss), else the same one (a hit). */
  private long cached(String stack, boolean fresh) throws Exception {
    String q = fresh ? nextQuestion() : QUESTION + " (cached)";
    long start = System.nanoTime();
    if (stack.equals("openai")) {
      ChatCompletion c = openAi().chat().completions().create(
          question(q).putAdditionalHeader("Helicone-Cache-Enabled", "true").build());
      check(200, !c.choices().isEmpty());
    } else {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
          .header("Authorization", "Bearer " + apiKey)
          .header("Content-Type", "application/json")
          .header("Helicone-Cache-Enabled", "true")
          .POST(HttpRequest.BodyPublishers.ofString(chatBody(q, false)))
          .build();
      HttpResponse<String> r = jdk.send(request, HttpResponse.BodyHandlers.ofString());
      check(r.statusCode(), r.body().contains("\"choices\""));
    }
    return System.nanoTime() - start;
  }

  /** A streamed call: {nanos from request to the first chunk at the app, nanos from the first to the last chunk}. */
  private long[] stream(String stack) throws Exception {
    String q = nextQuestion();
    long start = System.nanoTime();
    long first = 0;
    long last = 0;
    if (stack.equals("openai")) {
      ChatCompletionCreateParams params = question(q)
          .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
      try (StreamResponse<ChatCompletionChunk> chunks = openAi().chat().completions().createStreaming(params)) {
        for (var it = chunks.stream().iterator(); it.hasNext(); ) {
          it.next();
          last = System.nanoTime();
          if (first == 0) {
            first = last;
          }
        }
      }
    } else {
      HttpResponse<InputStream> r = jdk.send(chatRequest(chatBody(q, true)), HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          if (line.startsWith("data:")) {
            last = System.nanoTime();
            if (first == 0) {
              first = last;
            }
          }
        }
      }
    }
    check(200, first != 0);
    return new long[] {first - start, last - first};
  }

  private OpenAIClient openAi() {
    if (openAi == null) {
      openAi = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(apiKey).maxRetries(0).build();
    }
    return openAi;
  }

  private String nextQuestion() {
    return QUESTION + " #" + counter.incrementAndGet();
  }

  private static ChatCompletionCreateParams.Builder question(String q) {
    return ChatCompletionCreateParams.builder().model(ChatModel.GPT_4O_MINI).addUserMessage(q);
  }

  private HttpRequest chatRequest(String body) {
    return HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String chatBody(String question, boolean stream) {
    return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]"
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
  }

  private static void check(int status, boolean ok) {
    if (status != 200 || !ok) {
      throw new IllegalStateException("unexpected answer: status " + status);
    }
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static Map<String, Number> summary(String prefix, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    Map<String, Number> m = new LinkedHashMap<>();
    m.put(prefix + "p50_us", sorted[sorted.length / 2] / 1000.0);
    m.put(prefix + "p99_us", sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1000.0);
    m.put(prefix + "mean_us", Arrays.stream(sorted).average().orElse(0) / 1000.0);
    m.put(prefix + "n", sorted.length);
    return m;
  }

  private static String json(Map<String, Number> m) {
    StringBuilder sb = new StringBuilder("{");
    m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return sb.append('}').toString();
  }
}
