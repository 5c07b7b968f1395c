package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.it.support.DeployFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * deploy/ cannot be started here (no Docker), so this checks what can be checked without it:
 * every file parses (YAML, JSON), and the files agree with each other — the compose file mounts
 * files that exist where each program is told to read them, the collector's pipelines use
 * components it defines and export to the compose services on their ports, Prometheus scrapes
 * the collector's Prometheus endpoint, Grafana's datasources point at Prometheus and Jaeger and
 * are the ones the dashboards name, and Grafana reads the dashboards from where they are mounted.
 */
class DeployConfigTest {
  static final Path DEPLOY = DeployFiles.dir();

  final JsonNode compose = DeployFiles.yaml(DEPLOY.resolve("compose.yaml"));
  final JsonNode services = compose.path("services");

  @Test
  void composeStartsTheFourServicesFromPinnedImagesOnTheDocumentedPorts() {
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(fieldNames(services)).as("services").containsExactlyInAnyOrder("collector", "jaeger", "prometheus", "grafana");
    Map<String, String> images = Map.of("collector", "otel/opentelemetry-collector-contrib:", "jaeger", "jaegertracing/jaeger:",
        "prometheus", "prom/prometheus:", "grafana", "grafana/grafana:");
    images.forEach((service, repository) -> {
      String image = services.path(service).path("image").asText();
      soft.assertThat(image).as(service + " image").startsWith(repository);
      soft.assertThat(image.substring(image.indexOf(':') + 1)).as(service + " image tag: a version, never latest")
          .matches("v?\\d+\\.\\d+\\.\\d+");
    });
    soft.assertThat(publishedPorts("collector")).as("collector: OTLP gRPC and http in").contains(4317, 4318);
    soft.assertThat(publishedPorts("jaeger")).as("jaeger UI").contains(16686);
    soft.assertThat(publishedPorts("prometheus")).as("prometheus").contains(9090);
    soft.assertThat(publishedPorts("grafana")).as("grafana").contains(3000);
    for (String service : fieldNames(services)) {
      for (JsonNode dependency : services.path(service).path("depends_on")) {
        soft.assertThat(services.has(dependency.asText())).as(service + " depends on a service of this file: " + dependency).isTrue();
      }
      for (Map.Entry<String, String> mount : mounts(service).entrySet()) {
        soft.assertThat(DEPLOY.resolve(mount.getKey()).normalize()).as(service + " mounts " + mount.getKey() + " (relative to deploy/)").exists();
      }
    }
    JsonNode env = services.path("grafana").path("environment");
    soft.assertThat(env.path("GF_AUTH_ANONYMOUS_ENABLED").asText()).as("grafana: anonymous access").isEqualTo("true");
    soft.assertThat(env.path("GF_AUTH_ANONYMOUS_ORG_ROLE").asText()).as("grafana: anonymous role").isEqualTo("Admin");
    String home = env.path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    String homeOnHost = hostPathOf("grafana", home);
    soft.assertThat(homeOnHost).as("grafana's home dashboard " + home + " is mounted from deploy/").isNotNull();
    if (homeOnHost != null) {
      soft.assertThat(DEPLOY.resolve(homeOnHost)).as("grafana's home dashboard").isRegularFile();
    }
    soft.assertAll();
  }

  @Test
  void theCollectorReceivesOtlpAndExportsToJaegerPrometheusAndDebug() {
    Path config = mountedFileNamedByFlag("collector", "--config=");
    JsonNode collector = DeployFiles.yaml(config);
    SoftAssertions soft = new SoftAssertions();
    JsonNode protocols = collector.path("receivers").path("otlp").path("protocols");
    soft.assertThat(protocols.path("grpc").path("endpoint").asText()).as("OTLP gRPC endpoint").isEqualTo("0.0.0.0:4317");
    soft.assertThat(protocols.path("http").path("endpoint").asText()).as("OTLP http endpoint").isEqualTo("0.0.0.0:4318");

    JsonNode exporters = collector.path("exporters");
    JsonNode pipelines = collector.path("service").path("pipelines");
    Set<String> usedExporters = new HashSet<>();
    Set<String> usedReceivers = new HashSet<>();
    for (String signal : fieldNames(pipelines)) {
      for (JsonNode r : pipelines.path(signal).path("receivers")) {
        usedReceivers.add(r.asText());
        soft.assertThat(collector.path("receivers").has(r.asText())).as(signal + " pipeline's receiver " + r + " is defined").isTrue();
      }
      for (JsonNode e : pipelines.path(signal).path("exporters")) {
        usedExporters.add(e.asText());
        soft.assertThat(exporters.has(e.asText())).as(signal + " pipeline's exporter " + e + " is defined").isTrue();
      }
      for (JsonNode p : pipelines.path(signal).path("processors")) {
        soft.assertThat(collector.path("processors").has(p.asText())).as(signal + " pipeline's processor " + p + " is defined").isTrue();
      }
    }
    soft.assertThat(usedExporters).as("every exporter defined is used").containsExactlyInAnyOrderElementsOf(fieldNames(exporters));
    soft.assertThat(usedReceivers).as("every receiver defined is used").containsExactlyInAnyOrderElementsOf(fieldNames(collector.path("receivers")));

    String traces = single(pipelines.path("traces").path("exporters"));
    soft.assertThat(traces).as("traces go over OTLP/gRPC").startsWith("otlp_grpc");
    String jaegerEndpoint = exporters.path(traces).path("endpoint").asText();
    soft.assertThat(jaegerEndpoint).as("traces go to the jaeger service's OTLP gRPC port").isEqualTo("jaeger:4317");
    String metrics = single(pipelines.path("metrics").path("exporters"));
    soft.assertThat(metrics).as("metrics exporter").isEqualTo("prometheus");
    soft.assertThat(exporters.path("prometheus").path("translation_strategy").asText())
        .as("the naming DashboardMetricsTest and deploy/README.md assume").isEqualTo("UnderscoreEscapingWithSuffixes");
    soft.assertThat(single(pipelines.path("logs").path("exporters"))).as("logs (alerts) exporter").isEqualTo("debug");
    soft.assertAll();
  }

  @Test
  void prometheusScrapesTheCollectorsPrometheusEndpoint() {
    JsonNode collector = DeployFiles.yaml(mountedFileNamedByFlag("collector", "--config="));
    int exporterPort = port(collector.path("exporters").path("prometheus").path("endpoint").asText());
    JsonNode prometheus = DeployFiles.yaml(mountedFileNamedByFlag("prometheus", "--config.file="));
    List<String> targets = new ArrayList<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      for (JsonNode staticConfig : job.path("static_configs")) {
        staticConfig.path("targets").forEach(t -> targets.add(t.asText()));
      }
      assertThat(job.path("honor_labels").asBoolean()).as("job " + job.path("job_name") + " keeps the exporter's job (service.name) and instance")
          .isTrue();
    }
    assertThat(targets).as("Prometheus scrape targets").containsExactly("collector:" + exporterPort);
    assertThat(services.has("collector")).isTrue();
  }

  @Test
  void grafanaProvisionsBothDatasourcesAndTheDashboardsTheyFeed() {
    Path provisioning = hostDirMountedAt("grafana", "/etc/grafana/provisioning");
    JsonNode datasources = DeployFiles.yaml(provisioning.resolve("datasources/datasources.yaml"));
    Map<String, JsonNode> byUid = new LinkedHashMap<>();
    datasources.path("datasources").forEach(d -> byUid.put(d.path("uid").asText(), d));
    SoftAssertions soft = new SoftAssertions();
    JsonNode prometheusDs = byUid.values().stream().filter(d -> d.path("type").asText().equals("prometheus")).findFirst().orElseThrow();
    JsonNode jaegerDs = byUid.values().stream().filter(d -> d.path("type").asText().equals("jaeger")).findFirst().orElseThrow();
    soft.assertThat(serviceAndPort(prometheusDs.path("url").asText())).as("Prometheus datasource url").isEqualTo("prometheus:9090");
    soft.assertThat(serviceAndPort(jaegerDs.path("url").asText())).as("Jaeger datasource url (its query UI/API)").isEqualTo("jaeger:16686");
    JsonNode prometheusYml = DeployFiles.yaml(mountedFileNamedByFlag("prometheus", "--config.file="));
    soft.assertThat(prometheusDs.path("jsonData").path("timeInterval").asText()).as("datasource timeInterval = scrape_interval")
        .isEqualTo(prometheusYml.path("global").path("scrape_interval").asText());

    JsonNode providers = DeployFiles.yaml(provisioning.resolve("dashboards/dashboards.yaml"));
    JsonNode provider = providers.path("providers").get(0);
    String dashboardsPath = provider.path("options").path("path").asText();
    Path hostDashboards = hostDirMountedAt("grafana", dashboardsPath);
    soft.assertThat(hostDashboards).as("the dashboards provider's path " + dashboardsPath + " is deploy/grafana/dashboards")
        .isEqualTo(DEPLOY.resolve("grafana/dashboards").normalize());

    Set<String> uids = new TreeSet<>();
    Set<String> titles = new TreeSet<>();
    for (Path file : DeployFiles.dashboardFiles()) {
      JsonNode dashboard = DeployFiles.json(file);
      soft.assertThat(uids.add(dashboard.path("uid").asText())).as("unique dashboard uid in " + file).isTrue();
      soft.assertThat(titles.add(dashboard.path("title").asText())).as("unique dashboard title in " + file).isTrue();
      soft.assertThat(dashboard.path("panels").size()).as("panels in " + file).isPositive();
      for (JsonNode link : dashboard.path("links")) {
        String url = link.path("url").asText();
        if (url.startsWith("/d/")) {
          soft.assertThat(url.substring(3)).as(file.getFileName() + " links to a dashboard of deploy/").isIn(uidsOfAllDashboards());
        }
      }
    }
    for (Map.Entry<String, JsonNode> entry : DeployFiles.panels()) {
      JsonNode panel = entry.getValue();
      List<JsonNode> datasourceRefs = new ArrayList<>();
      if (panel.has("datasource")) {
        datasourceRefs.add(panel.path("datasource"));
      }
      panel.path("targets").forEach(t -> datasourceRefs.add(t.path("datasource")));
      for (JsonNode ref : datasourceRefs) {
        String uid = ref.path("uid").asText();
        soft.assertThat(byUid).as(entry.getKey() + " panel '" + panel.path("title").asText() + "' uses datasource uid " + uid)
            .containsKey(uid);
        if (byUid.containsKey(uid)) {
          soft.assertThat(ref.path("type").asText()).as("type of datasource " + uid).isEqualTo(byUid.get(uid).path("type").asText());
        }
      }
      if (!"row".equals(panel.path("type").asText())) {
        soft.assertThat(panel.path("targets").size()).as(entry.getKey() + " panel '" + panel.path("title").asText() + "' has queries")
            .isPositive();
      }
    }
    soft.assertAll();
  }

  private Set<String> uidsOfAllDashboards() {
    Set<String> uids = new HashSet<>();
    DeployFiles.dashboardFiles().forEach(f -> uids.add(DeployFiles.json(f).path("uid").asText()));
    return uids;
  }

  /** The file on the host (under deploy/) that a service reads as the value of {@code flag} in its command. */
  private Path mountedFileNamedByFlag(String service, String flag) {
    String containerPath = null;
    for (JsonNode arg : services.path(service).path("command")) {
      if (arg.asText().startsWith(flag)) {
        containerPath = arg.asText().substring(flag.length());
      }
    }
    assertThat(containerPath).as(service + "'s command sets " + flag).isNotNull();
    String host = hostPathOf(service, containerPath);
    assertThat(host).as(service + " reads " + containerPath + ", which must be a file mounted from deploy/ " + mounts(service)).isNotNull();
    Path file = DEPLOY.resolve(host).normalize();
    assertThat(file).as(service + "'s configuration").isRegularFile();
    return file;
  }

  private Path hostDirMountedAt(String service, String containerDir) {
    String host = hostPathOf(service, containerDir);
    assertThat(host).as(service + ": something of deploy/ is mounted at " + containerDir + " " + mounts(service)).isNotNull();
    Path dir = DEPLOY.resolve(host).normalize();
    assertThat(dir).isDirectory();
    return dir;
  }

  /** The host path (relative to deploy/) behind a container path, through the service's bind mounts; null if none. */
  private String hostPathOf(String service, String containerPath) {
    for (Map.Entry<String, String> mount : mounts(service).entrySet()) {
      String target = mount.getValue();
      if (containerPath.equals(target)) {
        return mount.getKey();
      }
      if (containerPath.startsWith(target + "/")) {
        return mount.getKey() + containerPath.substring(target.length());
      }
    }
    return null;
  }

  /** host path → container path, for the short syntax {@code ./host:/container[:ro]}. */
  private Map<String, String> mounts(String service) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (JsonNode volume : services.path(service).path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts.length >= 2 && parts[0].startsWith(".")) {
        mounts.put(parts[0], parts[1]);
      }
    }
    return mounts;
  }

  private Set<Integer> publishedPorts(String service) {
    Set<Integer> ports = new HashSet<>();
    for (JsonNode p : services.path(service).path("ports")) {
      String[] parts = p.asText().split(":"); // [ip:]host:container
      assertThat(parts.length).as(service + " port " + p + " is host:container").isGreaterThanOrEqualTo(2);
      String host = parts[parts.length - 2];
      assertThat(parts[parts.length - 1]).as(service + " publishes " + p + " on the same port as inside").isEqualTo(host);
      ports.add(Integer.parseInt(host));
    }
    return ports;
  }

  private static String serviceAndPort(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  private static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private static String single(JsonNode array) {
    assertThat(array.size()).as("exactly one in " + array).isEqualTo(1);
    return array.get(0).asText();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static {
    if (!Files.isDirectory(DEPLOY)) {
      throw new IllegalStateException("no deploy/ directory at " + DEPLOY);
    }
  }
}
