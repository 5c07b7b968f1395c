package dev.tollgate.it.support;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/** A span as exported over OTLP, with the resource and scope it came under. */
public record ReceivedSpan(Resource resource, InstrumentationScope scope, Span span) {

  public String name() {
    return span.getName();
  }

  public Span.SpanKind kind() {
    return span.getKind();
  }

  public String scopeName() {
    return scope.getName();
  }

  public Attrs attrs() {
    return new Attrs(span.getAttributesList());
  }

  public Attrs resourceAttrs() {
    return new Attrs(resource.getAttributesList());
  }

  public double durationSeconds() {
    return (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e9;
  }

  @Override
  public String toString() {
    return "span '" + name() + "' kind=" + kind() + " scope=" + scopeName() + " duration=" + durationSeconds()
        + "s status=" + span.getStatus().getCode() + " events=" + span.getEventsList().stream().map(e -> e.getName()).toList()
        + " attributes=" + attrs();
  }
}
