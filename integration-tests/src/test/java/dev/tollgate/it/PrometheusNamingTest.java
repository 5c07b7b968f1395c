package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.PromQlReferences;
import dev.tollgate.it.support.PrometheusNaming;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.Sum;
import org.junit.jupiter.api.Test;

/**
 * The two helpers {@link DashboardMetricsTest} relies on: the OTLP → Prometheus naming rule
 * (checked against the examples of the OpenTelemetry compatibility specification and
 * {@code prometheus/otlptranslator}), and what is read out of a PromQL expression.
 */
class PrometheusNamingTest {
  static Metric counter(String name, String unit) {
    return Metric.newBuilder().setName(name).setUnit(unit).setSum(Sum.newBuilder().setIsMonotonic(true)).build();
  }

  static Metric gauge(String name, String unit) {
    return Metric.newBuilder().setName(name).setUnit(unit).setGauge(Gauge.getDefaultInstance()).build();
  }

  static Metric histogram(String name, String unit) {
    return Metric.newBuilder().setName(name).setUnit(unit).setHistogram(Histogram.getDefaultInstance()).build();
  }

  @Test
  void namesFollowTheSpecificationsExamples() {
    assertThat(PrometheusNaming.seriesNames(histogram("http.server.request.duration", "s")))
        .containsExactly("http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_sum",
            "http_server_request_duration_seconds_count");
    assertThat(PrometheusNaming.metricName(counter("requests.count", "1"))).isEqualTo("requests_count_total");
    assertThat(PrometheusNaming.metricName(gauge("memory.usage", "By"))).isEqualTo("memory_usage_bytes");
    assertThat(PrometheusNaming.metricName(gauge("cpu.utilization", "1"))).isEqualTo("cpu_utilization_ratio");
    assertThat(PrometheusNaming.metricName(counter("http.requests.total", "{request}"))).isEqualTo("http_requests_total");
    assertThat(PrometheusNaming.metricName(gauge("net.throughput", "By/s"))).isEqualTo("net_throughput_bytes_per_second");
    assertThat(PrometheusNaming.metricName(gauge("request.duration.seconds", "s"))).isEqualTo("request_duration_seconds");
  }

  @Test
  void tollgatesMetricsGetTheseNames() {
    assertThat(PrometheusNaming.metricName(counter("tollgate.client.cost", "USD"))).isEqualTo("tollgate_client_cost_USD_total");
    assertThat(PrometheusNaming.metricName(counter("tollgate.client.requests", "{request}"))).isEqualTo("tollgate_client_requests_total");
    assertThat(PrometheusNaming.metricName(histogram("gen_ai.client.token.usage", "{token}"))).isEqualTo("gen_ai_client_token_usage");
    assertThat(PrometheusNaming.metricName(gauge("tollgate.budget.spent", "USD"))).isEqualTo("tollgate_budget_spent_USD");
    assertThat(PrometheusNaming.metricName(gauge("tollgate.provider.ratelimit.remaining", ""))).isEqualTo("tollgate_provider_ratelimit_remaining");
    assertThat(PrometheusNaming.labelName("tollgate.property.feature")).isEqualTo("tollgate_property_feature");
    assertThat(PrometheusNaming.labelName("gen_ai.request.model")).isEqualTo("gen_ai_request_model");
    assertThat(PrometheusNaming.labelName("2fa.method")).isEqualTo("key_2fa_method");
  }

  @Test
  void readsMetricsLabelsAndMatchersOutOfPromQl() {
    PromQlReferences refs = PromQlReferences.of(
        "histogram_quantile(0.95, sum by (le, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket"
            + "{job=~\"$service\", otel_scope_name=\"dev.tollgate\"}[$__rate_interval]))) / on (job) group_left(user_id) "
            + "sum(tollgate_client_requests_total{error_type!=\"\"}) by (job)");
    assertThat(refs.metrics()).containsExactlyInAnyOrder("gen_ai_client_operation_duration_seconds_bucket", "tollgate_client_requests_total");
    assertThat(refs.groupingLabels()).containsExactlyInAnyOrder("le", "gen_ai_request_model", "job", "user_id");
    assertThat(refs.matchers()).containsExactly(new PromQlReferences.Matcher("job", "=~", "$service"),
        new PromQlReferences.Matcher("otel_scope_name", "=", "dev.tollgate"), new PromQlReferences.Matcher("error_type", "!=", ""));

    PromQlReferences variable = PromQlReferences.of("label_values(tollgate_client_requests_total, job)");
    assertThat(variable.metrics()).containsExactly("tollgate_client_requests_total");
    assertThat(variable.labels()).containsExactly("job");
  }
}
