package dev.tollgate.bench.suite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the numbers were measured on: CPUs, CPU model, memory, JDK, commit. */
final class Machine {
  private Machine() {}

  static String describe(Path repo) {
    String cpu = "unknown";
    String mem = "unknown";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
      mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
          .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB").orElse(mem);
    } catch (IOException | RuntimeException e) {
      // not Linux: say unknown
    }
    return "- CPUs (`nproc`): " + Runtime.getRuntime().availableProcessors() + "; CPU: " + cpu + "; memory: " + mem + "\n"
        + "- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (same `java` for the runner, the load app and JMH)\n"
        + "- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\n"
        + "- commit: " + git(repo) + "\n";
  }

  private static String git(Path repo) {
    try {
      Process p = new ProcessBuilder("git", "-C", repo.toString(), "describe", "--always", "--dirty").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}
