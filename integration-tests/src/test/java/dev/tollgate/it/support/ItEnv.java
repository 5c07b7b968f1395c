package dev.tollgate.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the built agent, the sample apps, the java binary the apps run on. */
public final class ItEnv {
  private ItEnv() {}

  /** integration-tests/ (surefire passes it; the working directory is the fallback). */
  public static Path moduleDir() {
    return Path.of(System.getProperty("tollgate.it.basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  public static Path buildDir() {
    String dir = System.getProperty("tollgate.it.buildDir");
    return dir != null ? Path.of(dir) : moduleDir().resolve("target");
  }

  public static Path repoRoot() {
    return moduleDir().getParent();
  }

  public static Path agentJar() {
    return requireFile(repoRoot().resolve("agent/target/tollgate-agent.jar"),
        "the agent jar; build it with ./mvnw -B -q -pl otel-bridge,agent package -DskipTests (or run ./mvnw verify from the root)");
  }

  /** sample-apps/<name>/target. */
  public static Path sampleAppTarget(String name) {
    Path target = repoRoot().resolve("sample-apps").resolve(name).resolve("target");
    requireFile(target.resolve(name + ".jar"), "the sample app jar; run ./mvnw verify from the root");
    return target;
  }

  /** OkHttp 5 and its runtime dependencies, copied by the build (maven-dependency-plugin). */
  public static Path okhttp5Dir() {
    Path dir = buildDir().resolve("okhttp5");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("OkHttp 5 jars not found in " + dir + "; run the build up to process-test-resources");
    }
    return dir;
  }

  /** The OpenTelemetry Java agent (opentelemetry-javaagent 2.33.1), copied by the build (maven-dependency-plugin). */
  public static Path otelJavaAgent() {
    return requireFile(buildDir().resolve("otel-javaagent/opentelemetry-javaagent.jar"),
        "the OpenTelemetry Java agent; run the build up to process-test-resources");
  }

  /** The bundled LiteLLM-format price table of the agent (may not exist yet). */
  public static Path priceTable() {
    return repoRoot().resolve("agent/src/main/resources/dev/tollgate/pricing/model_prices.json");
  }

  /**
   * The java that launches the sample apps: system property {@code tollgate.it.java}, else the JVM
   * running the tests. The jdk25 surefire execution sets it.
   */
  public static Path javaBinary() {
    String configured = System.getProperty("tollgate.it.java");
    if (configured == null || configured.isBlank()) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    return requireFile(Path.of(configured),
        "the java binary named by -Dtollgate.it.java (pass -Dtollgate.it.skipJdk25=true to skip the JDK 25 run)");
  }

  /** A short label for the JDK the apps run on, used in output directories. */
  public static String jdkLabel() {
    return System.getProperty("tollgate.it.java") == null ? "default-jdk" : "jdk-" + javaBinary().getParent().getParent().getFileName();
  }

  private static Path requireFile(Path path, String what) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("Missing " + path + ": " + what);
    }
    return path;
  }
}
