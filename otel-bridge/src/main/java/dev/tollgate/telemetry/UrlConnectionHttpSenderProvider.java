package dev.tollgate.telemetry;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/** Registers {@link UrlConnectionHttpSender} with the SDK's exporters (META-INF/services). */
public final class UrlConnectionHttpSenderProvider implements HttpSenderProvider {
  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    return new UrlConnectionHttpSender(config);
  }
}
