package dev.tollgate.it.support;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.resource.v1.Resource;

/** A log record as exported over OTLP, with the resource and scope it came under. */
public record ReceivedLog(Resource resource, InstrumentationScope scope, LogRecord log) {

  public String body() {
    return log.getBody().getStringValue();
  }

  public String scopeName() {
    return scope.getName();
  }

  public Attrs attrs() {
    return new Attrs(log.getAttributesList());
  }

  public Attrs resourceAttrs() {
    return new Attrs(resource.getAttributesList());
  }

  @Override
  public String toString() {
    return "log '" + body() + "' severity=" + log.getSeverityText() + " scope=" + scopeName() + " attributes=" + attrs();
  }
}
