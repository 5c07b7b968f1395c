package dev.tollgate.report;

import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few facts of a finished call that the report counts. Copied out of the {@link CallRecord}
 * so the collector never holds a record (nor anything of its content: no prompt or completion
 * text is ever read here, whatever {@code tollgate.capture-content} says).
 */
final class CallFacts {
  final long epochMillis;
  final String model;
  final String provider;
  final String userId;
  final Map<String, String> properties;
  final Double costUsd;
  final long inputTokens;
  final long outputTokens;
  final long cachedTokens;
  final String cacheStatus;
  final double savedUsd;
  final double durationMillis;
  /** Time to the first body chunk of a stream; -1 for other calls. */
  final double firstChunkMillis;
  final boolean error;
  final int statusCode;
  final String errorType;
  /** {@code ratelimit:<policy>} or {@code budget:<name>} when Tollgate refused the call itself, else null. */
  final String blockedBy;
  /** What the provider's rate-limit headers said (null when absent). */
  final Long rateLimitRequests;
  final Long rateLimitRemainingRequests;
  final Long rateLimitTokens;
  final Long rateLimitRemainingTokens;
  /** Alerts this call set off (usually none). */
  final List<AlertFact> alerts;

  /** One alert: kind, name, its sentence and when. */
  record AlertFact(String kind, String name, String message, long epochMillis) {}

  CallFacts(long epochMillis, String model, String provider, String userId, Map<String, String> properties,
      Double costUsd, long inputTokens, long outputTokens, long cachedTokens, String cacheStatus, double savedUsd,
      double durationMillis, double firstChunkMillis, int statusCode, String errorType) {
    this(epochMillis, model, provider, userId, properties, costUsd, inputTokens, outputTokens, cachedTokens, cacheStatus,
        savedUsd, durationMillis, firstChunkMillis, statusCode, errorType, null, null, null, null, null, List.of());
  }

  CallFacts(long epochMillis, String model, String provider, String userId, Map<String, String> properties,
      Double costUsd, long inputTokens, long outputTokens, long cachedTokens, String cacheStatus, double savedUsd,
      double durationMillis, double firstChunkMillis, int statusCode, String errorType, String blockedBy,
      Long rateLimitRequests, Long rateLimitRemainingRequests, Long rateLimitTokens, Long rateLimitRemainingTokens,
      List<AlertFact> alerts) {
    this.epochMillis = epochMillis;
    this.model = model;
    this.provider = provider;
    this.userId = userId;
    this.properties = properties;
    this.costUsd = costUsd;
    this.inputTokens = inputTokens;
    this.outputTokens = outputTokens;
    this.cachedTokens = cachedTokens;
    this.cacheStatus = cacheStatus;
    this.savedUsd = savedUsd;
    this.durationMillis = durationMillis;
    this.firstChunkMillis = firstChunkMillis;
    this.statusCode = statusCode;
    this.errorType = errorType;
    this.error = errorType != null || statusCode >= 400;
    this.blockedBy = blockedBy;
    this.rateLimitRequests = rateLimitRequests;
    this.rateLimitRemainingRequests = rateLimitRemainingRequests;
    this.rateLimitTokens = rateLimitTokens;
    this.rateLimitRemainingTokens = rateLimitRemainingTokens;
    this.alerts = alerts;
  }

  static CallFacts of(CallRecord r) {
    long epochMillis = r.startEpochNanos / 1_000_000L;
    double duration = r.endNanos == 0 ? -1 : (r.endNanos - r.startNanos) / 1e6;
    double firstChunk = Boolean.TRUE.equals(r.stream) && r.firstChunkNanos != 0
        ? (r.firstChunkNanos - r.startNanos) / 1e6 : -1;
    return new CallFacts(epochMillis, r.spanModel(), r.provider, r.userId,
        Collections.unmodifiableMap(new LinkedHashMap<>(r.properties)), r.costUsd,
        orZero(r.inputTokens), orZero(r.outputTokens), orZero(r.cacheReadTokens), r.cacheStatus,
        r.cacheSavedUsd == null ? 0 : r.cacheSavedUsd, duration, firstChunk, r.statusCode, r.errorType, r.blockedBy,
        r.rateLimitRequests, r.rateLimitRemainingRequests, r.rateLimitTokens, r.rateLimitRemainingTokens, alerts(r));
  }

  private static List<AlertFact> alerts(CallRecord r) {
    if (r.alerts.isEmpty()) {
      return List.of();
    }
    List<AlertFact> out = new ArrayList<>(r.alerts.size());
    for (CallRecord.Alert a : r.alerts) {
      out.add(new AlertFact(a.kind, a.name, clip(a.message), a.epochNanos / 1_000_000L));
    }
    return out;
  }

  /** An alert's sentence names a scope value (a user id): the report keeps at most this much of it. */
  static final int ALERT_MESSAGE_KEPT = 500;

  private static String clip(String message) {
    return message == null || message.length() <= ALERT_MESSAGE_KEPT ? message
        : message.substring(0, ALERT_MESSAGE_KEPT - 1) + "\u2026";
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }
}
