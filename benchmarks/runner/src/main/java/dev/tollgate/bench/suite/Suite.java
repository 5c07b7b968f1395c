package dev.tollgate.bench.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite (run by {@code scripts/bench.sh}): starts the loopback stub provider and the
 * OTLP sink in this JVM, runs the load app in fresh JVMs per variant, interleaved round by round (the
 * order rotates each round, so drift of a shared machine hits every variant alike), then the JMH
 * benchmarks, and writes {@code latest.md}, {@code latest.csv} and {@code latest.json}.
 *
 * <p>Usage: {@code Suite <repo dir> <quick|full|smoke>}; {@code Suite <repo dir> stub} only serves the stub.
 */
public final class Suite {
  private static final Pattern RESULT = Pattern.compile("^RESULT \\{(.*)}$", Pattern.MULTILINE);
  private static final Pattern NUMBER = Pattern.compile("\"([^\"]+)\":([-0-9.eE]+)");

  private final Path repo;
  private final Profile profile;
  private final Path logs;
  private final Path agentJar;
  private final Path otelJar;
  private final String loadClasspath;
  private final List<Run> runs = new ArrayList<>();
  private StubProvider stub;
  private OtlpSink sink;

  /** One load-app JVM: what it measured. */
  record Run(String section, String stack, Variant variant, int round, Map<String, Double> values) {}

  private Suite(Path repo, Profile profile) throws IOException {
    this.repo = repo;
    this.profile = profile;
    this.logs = repo.resolve("benchmarks/runner/target/bench-runs");
    this.agentJar = repo.resolve("agent/target/tollgate-agent.jar");
    this.otelJar = repo.resolve("benchmarks/runner/target/otel-javaagent.jar");
    Path loadApp = repo.resolve("benchmarks/load-app/target");
    this.loadClasspath = loadApp.resolve("classes") + java.io.File.pathSeparator
        + Files.readString(loadApp.resolve("classpath.txt")).strip();
    for (Path p : List.of(agentJar, otelJar)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(p + " is missing: run scripts/bench.sh");
      }
    }
    Files.createDirectories(logs);
  }

  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]).toAbsolutePath().normalize();
    if (args.length > 1 && args[1].equals("stub")) {
      // for profiling one variant by hand (BENCHMARKS.md): the stub and the OTLP sink, until killed
      System.setProperty("sun.net.httpserver.nodelay", "true");
      StubProvider stub = new StubProvider(repo.resolve("sample-apps/fake-provider/src/main/resources/recordings"), 1000, 1000);
      OtlpSink sink = new OtlpSink();
      System.out.println(stub.baseUrl());
      System.out.println(sink.endpoint());
      Thread.currentThread().join();
    }
    Profile profile = Profile.named(args.length > 1 ? args[1] : "quick");
    System.setProperty("sun.net.httpserver.nodelay", "true");
    new Suite(repo, profile).runAll();
  }

  private void runAll() throws Exception {
    long started = System.nanoTime();
    Path recordings = repo.resolve("sample-apps/fake-provider/src/main/resources/recordings");
    try (StubProvider stubProvider = new StubProvider(recordings, profile.serviceMicros, profile.paceMicros);
        OtlpSink otlpSink = new OtlpSink()) {
      this.stub = stubProvider;
      this.sink = otlpSink;
      for (String stack : profile.latencyStacks) {
        interleaved("latency", stack, profile.rounds, List.of("warmup=" + profile.latencyWarmup, "calls=" + profile.latencyCalls));
      }
      for (String stack : profile.throughputStacks) {
        interleaved("throughput", stack, profile.rounds, List.of("threads=" + profile.threads,
            "warmup=" + profile.throughputWarmupCalls, "warmupSeconds=" + profile.throughputWarmupSeconds, "seconds=" + profile.throughputSeconds));
      }
      for (String stack : profile.streamStacks) {
        interleaved("stream", stack, profile.rounds, List.of("warmup=" + profile.streamWarmup, "calls=" + profile.streamCalls));
      }
      for (String stack : profile.cacheStacks) {
        for (int round = 1; round <= profile.rounds; round++) {
          for (Variant v : profile.variants) {
            if (v == Variant.TOLLGATE || v == Variant.BASELINE) {
              run("cache", stack, v, round, List.of("warmup=" + profile.cacheWarmup, "calls=" + profile.cacheCalls));
            }
          }
        }
      }
      for (String stack : profile.startupStacks) {
        interleaved("startup", stack, profile.startupRounds, List.of());
      }
      for (String stack : profile.memoryStacks) {
        interleaved("memory", stack, 1, List.of("calls=" + profile.memoryCalls));
      }
      System.out.println("[bench] OTLP export requests received: " + sink.exports());
    }
    // a smoke run proves the suite works; its numbers mean nothing and never replace the committed results
    Path results = repo.resolve(profile.name.equals("smoke") ? "benchmarks/runner/target/smoke-results" : "benchmarks/results");
    if (profile.name.equals("compare")) {
      double minutes = (System.nanoTime() - started) / 60e9;
      Report report = new Report(runs, List.of(), profile, minutes, stub.eventCount());
      Files.createDirectories(results);
      Files.writeString(results.resolve("compare.md"), report.compareMarkdown(Machine.describe(repo),
          System.getenv().getOrDefault("BENCH_BASELINE_REF", "?")));
      Files.writeString(results.resolve("compare.json"), report.json());
      System.out.println("[bench] wrote " + results.resolve("compare.md"));
      return;
    }
    Path jmhJson = results.resolve("latest-jmh.json");
    Jmh.run(profile.jmhArgs, jmhJson, logs);
    double minutes = (System.nanoTime() - started) / 60e9;
    Report report = new Report(runs, Jmh.read(jmhJson), profile, minutes, stub.eventCount());
    Files.createDirectories(results);
    Files.writeString(results.resolve("latest.md"), report.markdown(Machine.describe(repo)));
    Files.writeString(results.resolve("latest.csv"), report.csv());
    Files.writeString(results.resolve("latest.json"), report.json());
    System.out.println("[bench] wrote " + results.resolve("latest.md") + " in " + String.format(Locale.ROOT, "%.1f", minutes) + " min");
  }

  /** Runs every variant once per round, in an order that rotates each round. */
  private void interleaved(String section, String stack, int rounds, List<String> args) throws Exception {
    Variant[] all = profile.variants.toArray(new Variant[0]);
    for (int round = 1; round <= rounds; round++) {
      for (int i = 0; i < all.length; i++) {
        run(section, stack, all[(i + round - 1) % all.length], round, args);
      }
    }
  }

  private void run(String section, String stack, Variant variant, int round, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(variant.jvmOptions(agentJar, otelJar, repo.resolve("benchmarks/runner/target/baseline-agent.jar"),
        sink.endpoint()));
    command.add("-cp");
    command.add(loadClasspath);
    command.add("dev.tollgate.bench.load.LoadApp");
    command.add(section); // the load app's mode has the section's name
    command.add("stack=" + stack);
    command.addAll(args);
    String name = section + "-" + stack + "-" + variant.name().toLowerCase(Locale.ROOT) + "-r" + round;
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> {
      String u = k.toUpperCase(Locale.ROOT);
      return u.startsWith("OTEL_") || u.startsWith("TOLLGATE_") || u.startsWith("OPENAI_") || u.startsWith("HELICONE_")
          || u.equals("JAVA_TOOL_OPTIONS") || u.equals("JDK_JAVA_OPTIONS") || u.equals("_JAVA_OPTIONS");
    });
    env.put("BENCH_BASE_URL", stub.baseUrl());
    env.put("OPENAI_API_KEY", "sk-bench-not-a-secret");
    long start = System.nanoTime();
    Process process = builder.start();
    int exit = process.waitFor();
    double wallMs = (System.nanoTime() - start) / 1e6;
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    Matcher m = RESULT.matcher(stdout);
    if (exit != 0 || !m.find()) {
      throw new IllegalStateException(name + " failed (exit " + exit + "); see " + err);
    }
    Map<String, Double> values = new LinkedHashMap<>();
    Matcher n = NUMBER.matcher(m.group(1));
    while (n.find()) {
      values.put(n.group(1), Double.parseDouble(n.group(2)));
    }
    values.put("wall_ms", wallMs);
    if (values.containsKey("main_done_ms")) {
      // what follows main(): shutdown hooks (an agent's last export), plus the few ms the OS takes to start the process
      values.put("after_main_ms", wallMs - values.get("main_done_ms"));
    }
    runs.add(new Run(section, stack, variant, round, values));
    System.out.printf(Locale.ROOT, "[bench] %-40s %s%n", name, values);
  }

  /** How much of everything a mode measures. */
  static final class Profile {
    String name;
    /** The variants every row runs: the suite's four, or no agent / before / after for {@code --compare}. */
    List<Variant> variants = List.of(Variant.NONE, Variant.TOLLGATE, Variant.TOLLGATE_POLICIES, Variant.OTEL);
    int rounds;
    long serviceMicros = 1000;
    long paceMicros = 1000;
    List<String> latencyStacks = List.of("openai", "jdk", "nonllm");
    int latencyWarmup;
    int latencyCalls;
    List<String> throughputStacks;
    String threads = "1,8,32";
    int throughputWarmupCalls;
    double throughputWarmupSeconds;
    double throughputSeconds;
    List<String> streamStacks = List.of("jdk", "openai");
    int streamWarmup;
    int streamCalls;
    List<String> cacheStacks = List.of("jdk", "openai");
    int cacheWarmup;
    int cacheCalls;
    List<String> startupStacks;
    int startupRounds;
    List<String> memoryStacks;
    int memoryCalls = 10_000;
    List<String> jmhArgs;

    static Profile named(String name) {
      Profile p = new Profile();
      p.name = name;
      switch (name) {
        case "smoke" -> {
          p.rounds = 1;
          p.latencyWarmup = 20;
          p.latencyCalls = 50;
          p.throughputStacks = List.of("jdk");
          p.threads = "1,8";
          p.throughputWarmupCalls = 20;
          p.throughputWarmupSeconds = 0.2;
          p.throughputSeconds = 0.5;
          p.streamWarmup = 2;
          p.streamCalls = 5;
          p.cacheWarmup = 2;
          p.cacheCalls = 5;
          p.startupStacks = List.of("jdk");
          p.startupRounds = 1;
          p.memoryStacks = List.of("jdk");
          p.memoryCalls = 200;
          p.jmhArgs = List.of("-f", "1", "-wi", "0", "-i", "1", "-r", "200ms");
        }
        case "quick" -> {
          p.rounds = 2;
          p.latencyWarmup = 20_000;
          p.latencyCalls = 3000;
          p.throughputStacks = List.of("jdk");
          p.throughputWarmupCalls = 20_000;
          p.throughputWarmupSeconds = 1;
          p.throughputSeconds = 3;
          p.streamWarmup = 3000;
          p.streamCalls = 300;
          p.cacheWarmup = 6000;
          p.cacheCalls = 1000;
          p.startupStacks = List.of("openai");
          p.startupRounds = 3;
          p.memoryStacks = List.of("jdk");
          p.jmhArgs = List.of("-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s");
        }
        case "full" -> {
          p.rounds = 4;
          p.latencyWarmup = 30_000;
          p.latencyCalls = 5000;
          p.throughputStacks = List.of("jdk", "openai");
          p.throughputWarmupCalls = 30_000;
          p.throughputWarmupSeconds = 1;
          p.throughputSeconds = 4;
          p.streamWarmup = 4000;
          p.streamCalls = 500;
          p.cacheWarmup = 8000;
          p.cacheCalls = 2000;
          p.startupStacks = List.of("openai", "jdk");
          p.startupRounds = 5;
          p.memoryStacks = List.of("jdk", "openai");
          p.jmhArgs = List.of("-f", "1", "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s");
        }
        case "compare" -> {
          // quick's calls and warm-ups, on the rows the targets are about, one more round
          p = named("quick");
          p.name = name;
          p.variants = List.of(Variant.NONE, Variant.BASELINE, Variant.TOLLGATE);
          p.rounds = 3;
          p.latencyStacks = List.of("openai", "jdk");
          p.threads = "1,32";
          p.startupRounds = 5;
          p.memoryStacks = List.of();
          p.jmhArgs = List.of();
        }
        default -> throw new IllegalArgumentException("mode must be quick, full, smoke or compare: " + name);
      }
      return p;
    }
  }
}
