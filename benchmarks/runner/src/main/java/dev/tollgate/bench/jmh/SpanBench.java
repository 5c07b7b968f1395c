package dev.tollgate.bench.jmh;

import dev.tollgate.telemetry.CallRecord;
import dev.tollgate.telemetry.OtelTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A call's telemetry: start the span, end it with every attribute of a finished chat call, record
 * the metrics. The SDK is set up as the agent's is (batch span processor, periodic metric reader),
 * with exporters that drop the data, so export I/O is not part of the number.
 */
@State(Scope.Benchmark)
public class SpanBench {
  private OpenTelemetrySdk sdk;
  private OtelTelemetry telemetry;
  private final CallRecord record = Recordings.completedChatRecord();

  @Setup
  public void setUp() {
    SpanExporter spans = new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> data) {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    MetricExporter metrics = new MetricExporter() {
      @Override
      public AggregationTemporality getAggregationTemporality(InstrumentType type) {
        return AggregationTemporality.CUMULATIVE;
      }

      @Override
      public CompletableResultCode export(Collection<MetricData> data) {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
      }

      @Override
      public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
      }
    };
    sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(BatchSpanProcessor.builder(spans).build()).build())
        .setMeterProvider(SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(Duration.ofSeconds(1)).build()).build())
        .build();
    telemetry = new OtelTelemetry(sdk);
  }

  @TearDown
  public void tearDown() {
    sdk.close();
  }

  @Benchmark
  public OtelTelemetry.CallSpan startAndEndSpan() {
    OtelTelemetry.CallSpan span = telemetry.start(record);
    telemetry.end(span, record);
    return span;
  }
}
