package dev.tollgate.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the JMH benchmarks ({@code dev.tollgate.bench.jmh}) in a child JVM on this class path and reads their JSON. */
final class Jmh {
  private Jmh() {}

  record Result(String benchmark, double score, double error, String unit) {}

  static void run(List<String> profileArgs, Path json, Path logs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "org.openjdk.jmh.Main", "dev.tollgate.bench.jmh.",
        "-bm", "avgt", "-tu", "ns", "-rf", "json", "-rff", json.toString()));
    command.addAll(profileArgs);
    Files.createDirectories(json.getParent());
    Process p = new ProcessBuilder(command).inheritIO().redirectOutput(logs.resolve("jmh.out").toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("JMH failed; see " + logs.resolve("jmh.out"));
    }
  }

  static List<Result> read(Path json) throws IOException {
    List<Result> results = new ArrayList<>();
    for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
      String name = b.get("benchmark").asText();
      name = name.substring(name.lastIndexOf(".bench.jmh.") + ".bench.jmh.".length());
      JsonNode metric = b.get("primaryMetric");
      double error = metric.get("scoreError").asDouble(); // NaN with a single iteration
      results.add(new Result(name, metric.get("score").asDouble(), error, metric.get("scoreUnit").asText()));
    }
    return results;
  }
}
