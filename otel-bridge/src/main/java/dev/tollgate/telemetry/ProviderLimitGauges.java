package dev.tollgate.telemetry;

import static dev.tollgate.telemetry.GenAiAttributes.*;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The providers' own rate limits, as they last reported them ({@code x-ratelimit-*},
 * {@code anthropic-ratelimit-*}), per provider, requested model and unit, as gauges: what a
 * dashboard needs to show how close each model is to its limit.
 *
 * <p>At most {@value #MAX_SERIES} provider and model pairs are kept (models are few; the cap
 * only guards against a caller inventing model names).
 */
final class ProviderLimitGauges {
  static final int MAX_SERIES = 500;

  private final Map<Attributes, AtomicLongArray> last = new ConcurrentHashMap<>();

  ProviderLimitGauges(Meter meter) {
    meter.gaugeBuilder(METRIC_PROVIDER_LIMIT)
        .setDescription("The provider's rate limit, as its last response reported it")
        .ofLongs()
        .buildWithCallback(m -> last.forEach((attrs, v) -> {
          if (v.get(0) >= 0) {
            m.record(v.get(0), attrs);
          }
        }));
    meter.gaugeBuilder(METRIC_PROVIDER_REMAINING)
        .setDescription("What remains of the provider's rate limit, as its last response reported it")
        .ofLongs()
        .buildWithCallback(m -> last.forEach((attrs, v) -> {
          if (v.get(1) >= 0) {
            m.record(v.get(1), attrs);
          }
        }));
  }

  /** The series' attributes: provider, requested model, unit ({@code requests} or {@code tokens}). */
  static Attributes seriesOf(String provider, String requestModel, String unit) {
    return Attributes.of(PROVIDER_NAME, provider == null ? "unknown" : provider,
        REQUEST_MODEL, requestModel == null ? "unknown" : requestModel, RATELIMIT_UNIT, unit);
  }

  void update(CallRecord r, MetricAttributeSets.Sets sets) {
    put(sets.limitRequests, r.rateLimitRequests, r.rateLimitRemainingRequests);
    put(sets.limitTokens, r.rateLimitTokens, r.rateLimitRemainingTokens);
  }

  private void put(Attributes attrs, Long limit, Long remaining) {
    if (limit == null && remaining == null) {
      return;
    }
    AtomicLongArray v = last.get(attrs);
    if (v == null) {
      if (last.size() >= MAX_SERIES) {
        return;
      }
      v = last.computeIfAbsent(attrs, a -> new AtomicLongArray(new long[] {-1, -1}));
    }
    // last writer wins; a reading that lacks one half keeps the other's last value
    if (limit != null) {
      v.set(0, limit);
    }
    if (remaining != null) {
      v.set(1, remaining);
    }
  }
}
