package dev.tollgate.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Exports only metrics of the {@code dev.tollgate} scope.
 *
 * <p>Why: the SDK reports on itself (span queue size, processed spans, exporter counts)
 * under scopes named after its own packages, which inside the agent are relocated
 * ({@code dev.tollgate.shaded.io.opentelemetry.sdk.trace}). Users asked for LLM metrics,
 * not for the plumbing of a library they never added.
 */
final class OwnScopeMetricExporter implements MetricExporter {
  private final MetricExporter delegate;

  OwnScopeMetricExporter(MetricExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    List<MetricData> ours = new ArrayList<>(metrics.size());
    for (MetricData m : metrics) {
      if (GenAiAttributes.INSTRUMENTATION_SCOPE.equals(m.getInstrumentationScopeInfo().getName())) {
        ours.add(m);
      }
    }
    return ours.isEmpty() ? CompletableResultCode.ofSuccess() : delegate.export(ours);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "OwnScopeMetricExporter{" + delegate + "}";
  }
}
