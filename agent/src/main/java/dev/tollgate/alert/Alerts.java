package dev.tollgate.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.Budgets;
import dev.tollgate.telemetry.CallRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns what crossed a threshold (a budget's percentage, the error rate, a latency
 * percentile) into an alert, told four ways: a log line, an event on the span of the call
 * that set it off, an OpenTelemetry log record (both through the call's {@link CallRecord}),
 * and a POST to {@code tollgate.alerts.webhook} (JSON, or Slack's {@code {"text": ...}}).
 *
 * <p>How often: a budget threshold once per window and scope value (see {@link Budgets}); a
 * health rule once per window (see {@link HealthWatch}). Nothing here ever blocks a call: the
 * webhook has a thread and a bounded queue of its own.
 */
public final class Alerts {
  private static final JsonFactory JSON = new JsonFactory();

  private final HealthWatch health;
  private final WebhookSender webhook;
  private final boolean slack;
  private final Clock clock;

  Alerts(List<HealthRule> rules, WebhookSender webhook, boolean slack, Ticker ticker, Clock clock) {
    this.health = new HealthWatch(rules, ticker);
    this.webhook = webhook;
    this.slack = slack;
    this.clock = clock;
  }

  /** From the configuration; a bad rule or webhook URL is logged once and left out. */
  public static Alerts create(TollgateConfig config, Ticker ticker, Clock clock) {
    List<HealthRule> rules = new ArrayList<>(2);
    rule(rules, HealthRule.Kind.ERROR_RATE, "tollgate.alerts.error-rate", config.alertsErrorRate());
    rule(rules, HealthRule.Kind.LATENCY, "tollgate.alerts.latency", config.alertsLatency());
    WebhookSender webhook = null;
    if (config.alertsWebhook() != null) {
      try {
        webhook = new WebhookSender(URI.create(config.alertsWebhook()),
            (int) Math.min(Integer.MAX_VALUE, config.alertsWebhookTimeoutMillis()));
      } catch (IOException | IllegalArgumentException e) {
        // not the URL itself: it may carry a token (Slack's do)
        TollgateLog.warnOnce("config:tollgate.alerts.webhook", "ignoring tollgate.alerts.webhook: not an http(s) URL");
      }
    }
    return new Alerts(rules, webhook, config.alertsWebhookSlack(), ticker, clock);
  }

  private static void rule(List<HealthRule> into, HealthRule.Kind kind, String key, String text) {
    if (text == null) {
      return;
    }
    try {
      into.add(HealthRule.parse(kind, text));
    } catch (IllegalArgumentException e) {
      TollgateLog.warnOnce("config:" + key, "ignoring " + key + "=" + text + ": " + e.getMessage());
    }
  }

  /** One alert per budget threshold the call crossed. */
  public void budgetsCrossed(List<Budgets.Crossing> crossed, CallRecord r) {
    for (Budgets.Crossing c : crossed) {
      BudgetPolicy p = c.policy();
      String who = p.scope() == null ? "" : " for " + p.scope() + " " + (c.scopeValue() == null ? "(none)" : c.scopeValue());
      String message = String.format(Locale.ROOT, "budget '%s' (%s) reached %d%%: %s of %s spent in %s%s",
          p.name(), p.describe(), c.percent(), BudgetPolicy.usd(c.spentUsd()), BudgetPolicy.usd(p.limitUsd()), c.window(),
          who);
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("tollgate.alert.threshold_percent", (long) c.percent());
      attrs.put("tollgate.alert.spent_usd", c.spentUsd());
      attrs.put("tollgate.alert.limit_usd", p.limitUsd());
      attrs.put("tollgate.alert.window", c.window());
      attrs.put("tollgate.alert.mode", p.mode().name().toLowerCase(Locale.ROOT));
      if (p.scope() != null) {
        attrs.put("tollgate.alert.scope", p.scope());
        if (c.scopeValue() != null) {
          attrs.put("tollgate.alert.scope_value", c.scopeValue());
        }
      }
      raise(new CallRecord.Alert("budget", p.name(), message, nowEpochNanos(), attrs), r);
    }
  }

  /** A finished call, for the error-rate and latency rules. A call the agent refused itself is not counted. */
  public void callFinished(CallRecord r) {
    if (health.isEmpty() || r.blockedBy != null) {
      return;
    }
    for (HealthWatch.Firing f : health.record(r.endNanos - r.startNanos, r.errorType != null)) {
      HealthRule rule = f.rule;
      String seen = rule.kind() == HealthRule.Kind.ERROR_RATE
          ? String.format(Locale.ROOT, "error rate %.1f%%", f.observed * 100)
          : String.format(Locale.ROOT, "p%d latency %.0f ms", rule.percentile(), f.observed);
      String message = seen + " over the last " + f.calls + " calls crossed the threshold (" + rule.describe() + ")";
      Map<String, Object> attrs = new LinkedHashMap<>();
      attrs.put("tollgate.alert.observed", f.observed);
      attrs.put("tollgate.alert.threshold", rule.threshold());
      attrs.put("tollgate.alert.calls", (long) f.calls);
      attrs.put("tollgate.alert.window", dev.tollgate.config.Durations.format(rule.windowMillis()));
      raise(new CallRecord.Alert(rule.kind().text(), rule.kind().text(), message, nowEpochNanos(), attrs), r);
    }
  }

  /** At JVM exit: give queued webhook messages up to {@code timeoutMillis} to go out. */
  public void drainAtExit(long timeoutMillis) {
    if (webhook != null) {
      webhook.drain(timeoutMillis);
    }
  }

  private void raise(CallRecord.Alert alert, CallRecord r) {
    r.alerts.add(alert);
    TollgateLog.warn("ALERT " + alert.message);
    if (webhook != null) {
      try {
        webhook.send(payload(alert, r));
      } catch (IOException | RuntimeException e) {
        TollgateLog.warnOnce("alerts:payload", "could not write an alert's webhook message", e);
      }
    }
  }

  /** The webhook body: Slack's {@code {"text": ...}}, or every field of the alert. */
  byte[] payload(CallRecord.Alert alert, CallRecord r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (slack) {
        g.writeStringField("text", ":rotating_light: Tollgate: " + alert.message);
      } else {
        g.writeStringField("source", "tollgate");
        g.writeStringField("kind", alert.kind);
        g.writeStringField("name", alert.name);
        g.writeStringField("message", alert.message);
        g.writeStringField("time", Instant.ofEpochSecond(0, alert.epochNanos).toString());
        for (Map.Entry<String, Object> e : alert.attributes.entrySet()) {
          String key = e.getKey().substring("tollgate.alert.".length());
          Object v = e.getValue();
          if (v instanceof Long) {
            g.writeNumberField(key, (Long) v);
          } else if (v instanceof Double) {
            g.writeNumberField(key, (Double) v);
          } else {
            g.writeStringField(key, String.valueOf(v));
          }
        }
        if (r.provider != null) {
          g.writeStringField("provider", r.provider);
        }
        if (r.requestModel != null) {
          g.writeStringField("model", r.requestModel);
        }
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private long nowEpochNanos() {
    return TimeUnit.MILLISECONDS.toNanos(clock.millis());
  }
}
