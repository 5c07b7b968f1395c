package dev.tollgate.telemetry;

import static dev.tollgate.telemetry.GenAiAttributes.*;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribute sets a call's metric points carry, built once per distinct combination of
 * values and then reused.
 *
 * <p>Why: a call records up to six points. Building each point's {@link Attributes} means
 * sorting, de-duplicating and hashing it, and then the SDK looks it up among its series; in
 * one of issue 6's CPU profiles that was about an eighth of Tollgate's own time per call. The combinations are few
 * (operation, provider, model, server, status...), so the sets are kept in a map keyed by the
 * plain values, and the SDK then finds an identical instance, which compares at once.
 *
 * <p>Bounded: past {@link #MAX_COMBINATIONS} the map is emptied and refilled, so an unusual
 * spread of values costs rebuilding, never memory.
 */
final class MetricAttributeSets {
  static final int MAX_COMBINATIONS = 4096;

  private final ConcurrentHashMap<Key, Sets> sets = new ConcurrentHashMap<>();
  private final MetricDimensions dimensions;

  MetricAttributeSets(MetricDimensions dimensions) {
    this.dimensions = dimensions;
  }

  Sets of(CallRecord r) {
    String[] dimensionValues = dimensions.values(r);
    Key key = new Key(r, dimensionValues);
    Sets s = sets.get(key);
    if (s == null) {
      if (sets.size() >= MAX_COMBINATIONS) {
        sets.clear();
      }
      s = new Sets(r, dimensionValues, dimensions);
      Sets raced = sets.putIfAbsent(key, s);
      if (raced != null) {
        s = raced;
      }
    }
    return s;
  }

  int size() {
    return sets.size();
  }

  /** The sets of one combination. */
  static final class Sets {
    /** semconv's common metric attributes (plus the configured dimensions). */
    final Attributes base;
    final Attributes inputTokens;
    final Attributes outputTokens;
    /** base plus {@code error.type} when the call failed. */
    final Attributes duration;
    /** {@code tollgate.client.requests}: provider, requested model, status, error, cache, refusal. */
    final Attributes requests;
    /** The provider rate-limit gauges' series, for requests and for tokens. */
    final Attributes limitRequests;
    final Attributes limitTokens;

    /** @param r the first call of this combination: only the key's values of it are read */
    Sets(CallRecord r, String[] dimensionValues, MetricDimensions dimensions) {
      AttributesBuilder b = CallAttributes.metricBase(r);
      dimensions.addTo(b, dimensionValues);
      base = b.build();
      inputTokens = base.toBuilder().put(TOKEN_TYPE, "input").build();
      outputTokens = base.toBuilder().put(TOKEN_TYPE, "output").build();
      duration = r.errorType == null ? base : base.toBuilder().put(ERROR_TYPE, r.errorType).build();
      AttributesBuilder req = CallAttributes.requestsMetric(r);
      dimensions.addTo(req, dimensionValues);
      requests = req.build();
      limitRequests = ProviderLimitGauges.seriesOf(r.provider, r.requestModel, "requests");
      limitTokens = ProviderLimitGauges.seriesOf(r.provider, r.requestModel, "tokens");
    }
  }

  /** The values the sets are built from. */
  static final class Key {
    final String operation;
    final String provider;
    final String requestModel;
    final String responseModel;
    final String serverAddress;
    final int serverPort;
    final String errorType;
    final int statusCode;
    final String cacheStatus;
    final String blockedBy;
    final String[] dimensions;
    private final int hash;

    Key(CallRecord r, String[] dimensions) {
      this.operation = r.operation;
      this.provider = r.provider;
      this.requestModel = r.requestModel;
      this.responseModel = r.responseModel;
      this.serverAddress = r.serverAddress;
      this.serverPort = r.serverPort;
      this.errorType = r.errorType;
      this.statusCode = r.statusCode;
      this.cacheStatus = r.cacheStatus;
      this.blockedBy = r.blockedBy;
      this.dimensions = dimensions;
      int h = Objects.hashCode(operation);
      h = 31 * h + Objects.hashCode(provider);
      h = 31 * h + Objects.hashCode(requestModel);
      h = 31 * h + Objects.hashCode(responseModel);
      h = 31 * h + Objects.hashCode(serverAddress);
      h = 31 * h + Objects.hashCode(errorType);
      h = 31 * h + Objects.hashCode(cacheStatus);
      h = 31 * h + Objects.hashCode(blockedBy);
      h = 31 * h + serverPort;
      h = 31 * h + statusCode;
      this.hash = 31 * h + Arrays.hashCode(dimensions);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return hash == k.hash && serverPort == k.serverPort && statusCode == k.statusCode
          && Objects.equals(operation, k.operation) && Objects.equals(provider, k.provider)
          && Objects.equals(requestModel, k.requestModel) && Objects.equals(responseModel, k.responseModel)
          && Objects.equals(serverAddress, k.serverAddress) && Objects.equals(errorType, k.errorType)
          && Objects.equals(cacheStatus, k.cacheStatus) && Objects.equals(blockedBy, k.blockedBy)
          && Arrays.equals(dimensions, k.dimensions);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
