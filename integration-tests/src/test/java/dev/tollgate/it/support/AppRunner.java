package dev.tollgate.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Launches a sample app as a separate JVM, with or without {@code -javaagent:tollgate-agent.jar}.
 *
 * <p>Every run gets a fresh run id: the app is started with
 * {@code -Dtollgate.properties.test_run=<id>} (so each of its spans carries
 * {@code tollgate.property.test_run}) and {@code -Dotel.resource.attributes=it.run.id=<id>} (so its
 * metrics can be found), and with a distinctive API key {@code sk-test-SECRET-<another uuid>} that
 * must never be exported. stdout/stderr go to files under {@code target/it-runs/} and are read back.
 */
public final class AppRunner {
  /** Resource attribute that identifies one run's telemetry. */
  public static final String RUN_RESOURCE_ATTRIBUTE = "it.run.id";
  /** Span attribute the agent derives from -Dtollgate.properties.test_run. */
  public static final String RUN_SPAN_ATTRIBUTE = "tollgate.property.test_run";

  /** JVMs are mostly CPU-bound at start-up: cap how many run at once, whatever the test parallelism. */
  private static final Semaphore JVM_SLOTS = new Semaphore(Integer.getInteger("tollgate.it.maxJvms", 3), true);

  private final SampleApp app;
  private final String scenario;
  private boolean agent;
  private String testName = "it";
  private String baseUrl;
  private String otlpEndpoint;
  private Duration timeout = Duration.ofSeconds(90);
  private final Map<String, String> sysProps = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Path> otherJavaAgents = new ArrayList<>();

  private AppRunner(SampleApp app, String scenario) {
    this.app = app;
    this.scenario = scenario;
  }

  public static AppRunner launch(SampleApp app, String scenario) {
    return new AppRunner(app, scenario);
  }

  public AppRunner withAgent(boolean on) {
    this.agent = on;
    return this;
  }

  public AppRunner testName(String name) {
    this.testName = name;
    return this;
  }

  public AppRunner baseUrl(String url) {
    this.baseUrl = url;
    return this;
  }

  /** Defaults to the shared {@link OtlpReceiver}. */
  public AppRunner otlpEndpoint(String endpoint) {
    this.otlpEndpoint = endpoint;
    return this;
  }

  /** Another {@code -javaagent:} (e.g. the OpenTelemetry Java agent), placed before Tollgate's. */
  public AppRunner otherJavaAgent(Path jar) {
    otherJavaAgents.add(jar);
    return this;
  }

  public AppRunner sysProp(String key, String value) {
    sysProps.put(key, value);
    return this;
  }

  public AppRunner env(String key, String value) {
    env.put(key, value);
    return this;
  }

  public AppRunner timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  public SampleApp app() {
    return app;
  }

  public String scenario() {
    return scenario;
  }

  public AppRun run() {
    String runId = UUID.randomUUID().toString();
    String apiKey = "sk-test-SECRET-" + UUID.randomUUID(); // not derived from the run id, which is exported
    Path outputDir = ItEnv.buildDir().resolve("it-runs").resolve(ItEnv.jdkLabel())
        .resolve(safe(testName) + "-" + (agent ? "agent" : "plain") + "-" + runId.substring(0, 8));

    List<String> command = new ArrayList<>();
    command.add(ItEnv.javaBinary().toString());
    otherJavaAgents.forEach(jar -> command.add("-javaagent:" + jar));
    if (agent) {
      command.add("-javaagent:" + ItEnv.agentJar());
    }
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Dotel.exporter.otlp.endpoint=" + (otlpEndpoint != null ? otlpEndpoint : OtlpReceiver.shared().endpoint()));
    command.add("-Dotel.service.name=" + testName);
    command.add("-Dotel.resource.attributes=" + RUN_RESOURCE_ATTRIBUTE + "=" + runId);
    command.add("-Dtollgate.properties.test_run=" + runId);
    if (agent && !sysProps.containsKey("tollgate.shutdown-timeout")) {
      // The product's 1 s exit budget (ExporterDownTest keeps it) is too short on a loaded
      // machine: a quick app may exit before the warm-up has built the SDK, and the test would
      // wait in vain for spans the app did make. The wait only lasts while there is work left.
      command.add("-Dtollgate.shutdown-timeout=10s");
    }
    sysProps.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(String.join(java.io.File.pathSeparator, app.classpath()));
    command.add(app.mainClass());
    command.add(scenario);

    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    // hermetic: nothing from the surrounding shell configures the app or the agent
    environment.keySet().removeIf(name -> {
      String upper = name.toUpperCase(Locale.ROOT);
      return upper.startsWith("OTEL_") || upper.startsWith("TOLLGATE_") || upper.startsWith("OPENAI_")
          || upper.startsWith("HELICONE_") || upper.startsWith("ANTHROPIC_") || upper.startsWith("GEMINI_")
          || upper.startsWith("GOOGLE_") || upper.equals("JAVA_TOOL_OPTIONS") || upper.equals("JDK_JAVA_OPTIONS")
          || upper.equals("_JAVA_OPTIONS");
    });
    if (baseUrl != null) {
      // each SDK's own convention: OpenAI's base URL ends in /v1, Anthropic's and Gemini's are the origin
      environment.put("OPENAI_BASE_URL", baseUrl);
      String origin = baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
      environment.put("ANTHROPIC_BASE_URL", origin);
      environment.put("GOOGLE_GEMINI_BASE_URL", origin);
    }
    environment.put("OPENAI_API_KEY", apiKey);
    environment.put("ANTHROPIC_API_KEY", apiKey);
    environment.put("GEMINI_API_KEY", apiKey);
    environment.putAll(env);

    try {
      Files.createDirectories(outputDir);
      Path stdout = outputDir.resolve("stdout.txt");
      Path stderr = outputDir.resolve("stderr.txt");
      Files.writeString(outputDir.resolve("command.txt"), String.join(" ", command) + "\n");
      builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);

      JVM_SLOTS.acquire();
      long start = System.nanoTime();
      boolean finished;
      Process process;
      try {
        process = builder.start();
        process.getOutputStream().close();
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } finally {
        JVM_SLOTS.release();
      }
      long wallMillis = (System.nanoTime() - start) / 1_000_000;
      int exit = finished ? process.exitValue() : -1;
      Files.writeString(outputDir.resolve("result.txt"),
          "exit=" + exit + (finished ? "" : " (timed out, killed)") + "\nwall-ms=" + wallMillis + "\n");
      return new AppRun(runId, apiKey, agent, List.copyOf(command), exit, !finished, Files.readAllBytes(stdout),
          Files.readString(stderr, StandardCharsets.UTF_8), wallMillis, outputDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
