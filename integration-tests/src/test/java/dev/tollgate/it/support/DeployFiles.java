package dev.tollgate.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files under {@code deploy/}: the compose file, the collector, Prometheus and Grafana configurations, the dashboards. */
public final class DeployFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeployFiles() {}

  /** {@code deploy/} at the root of the repository. */
  public static Path dir() {
    return ItEnv.repoRoot().resolve("deploy");
  }

  public static JsonNode yaml(Path file) {
    try {
      JsonNode node = YAML.readTree(file.toFile());
      if (node == null || node.isMissingNode() || !node.isObject()) {
        throw new IllegalStateException(file + " is not a YAML mapping");
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  public static JsonNode json(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  /** The dashboard JSON files under deploy/grafana/dashboards/. */
  public static List<Path> dashboardFiles() {
    try (Stream<Path> files = Files.list(dir().resolve("grafana/dashboards"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One PromQL query of a dashboard: where it is, and the expression. */
  public record Query(String dashboard, String where, String expr) {
    @Override
    public String toString() {
      return dashboard + " / " + where + ": " + expr;
    }
  }

  /** Every Prometheus query of every dashboard: panel targets (rows included) and template variables. */
  public static List<Query> prometheusQueries() {
    List<Query> queries = new ArrayList<>();
    for (Path file : dashboardFiles()) {
      JsonNode dashboard = json(file);
      String name = file.getFileName().toString();
      collectPanels(name, dashboard.path("panels"), queries);
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if ("query".equals(variable.path("type").asText()) && "prometheus".equals(variable.path("datasource").path("type").asText())) {
          JsonNode query = variable.path("query");
          String expr = query.isObject() ? query.path("query").asText() : query.asText();
          queries.add(new Query(name, "variable $" + variable.path("name").asText(), expr));
        }
      }
    }
    return queries;
  }

  private static void collectPanels(String dashboard, JsonNode panels, List<Query> into) {
    for (JsonNode panel : panels) {
      collectPanels(dashboard, panel.path("panels"), into);
      for (JsonNode target : panel.path("targets")) {
        String type = target.path("datasource").path("type").asText(panel.path("datasource").path("type").asText());
        if ("prometheus".equals(type)) {
          into.add(new Query(dashboard, "panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
              target.path("expr").asText()));
        }
      }
    }
  }

  /** Every panel of every dashboard, rows' panels included, with the dashboard's file name. */
  public static List<java.util.Map.Entry<String, JsonNode>> panels() {
    List<java.util.Map.Entry<String, JsonNode>> all = new ArrayList<>();
    for (Path file : dashboardFiles()) {
      addPanels(file.getFileName().toString(), json(file).path("panels"), all);
    }
    return all;
  }

  private static void addPanels(String dashboard, JsonNode panels, List<java.util.Map.Entry<String, JsonNode>> into) {
    for (JsonNode panel : panels) {
      into.add(java.util.Map.entry(dashboard, panel));
      addPanels(dashboard, panel.path("panels"), into);
    }
  }
}
