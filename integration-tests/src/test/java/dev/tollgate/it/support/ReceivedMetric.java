package dev.tollgate.it.support;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;

/** A metric as exported over OTLP (one export's worth of data points), with its resource and scope. */
public record ReceivedMetric(Resource resource, InstrumentationScope scope, Metric metric, long sequence) {

  public String name() {
    return metric.getName();
  }

  public String scopeName() {
    return scope.getName();
  }

  public Attrs resourceAttrs() {
    return new Attrs(resource.getAttributesList());
  }

  /** One data point reduced to its attributes and its value: a sum's value, or a histogram's sum and count. */
  public record Point(Attrs attrs, double value, long count) {}

  public List<Point> points() {
    List<Point> points = new ArrayList<>();
    switch (metric.getDataCase()) {
      case SUM -> metric.getSum().getDataPointsList().forEach(p -> points.add(new Point(attrs(p.getAttributesList()),
          p.hasAsDouble() ? p.getAsDouble() : p.getAsInt(), 1)));
      case GAUGE -> metric.getGauge().getDataPointsList().forEach(p -> points.add(new Point(attrs(p.getAttributesList()),
          p.hasAsDouble() ? p.getAsDouble() : p.getAsInt(), 1)));
      case HISTOGRAM -> metric.getHistogram().getDataPointsList().forEach(p -> points.add(
          new Point(attrs(p.getAttributesList()), p.getSum(), p.getCount())));
      case EXPONENTIAL_HISTOGRAM -> metric.getExponentialHistogram().getDataPointsList().forEach(p -> points.add(
          new Point(attrs(p.getAttributesList()), p.getSum(), p.getCount())));
      default -> { }
    }
    return points;
  }

  private static Attrs attrs(List<KeyValue> list) {
    return new Attrs(list);
  }

  @Override
  public String toString() {
    return "metric '" + name() + "' (" + metric.getDataCase() + ", unit=" + metric.getUnit() + ", scope=" + scopeName()
        + ") points=" + points();
  }
}
