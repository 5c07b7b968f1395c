package dev.tollgate.it.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The outcome of one sample-app JVM. */
public record AppRun(
    String runId,
    String apiKey,
    boolean agent,
    List<String> command,
    int exitCode,
    boolean timedOut,
    byte[] stdoutBytes,
    String stderr,
    long wallMillis,
    Path outputDir) {

  public String stdout() {
    return new String(stdoutBytes, StandardCharsets.UTF_8);
  }

  /** A one-paragraph account for assertion messages. */
  public String describe() {
    return (agent ? "[with agent] " : "[without agent] ") + "exit=" + exitCode + (timedOut ? " (TIMED OUT)" : "")
        + " wall=" + wallMillis + "ms output in " + outputDir + "\n--- stderr (tail) ---\n" + tail(stderr, 3000)
        + "\n--- stdout (tail) ---\n" + tail(stdout(), 1500);
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }
}
