package dev.tollgate.report;

/**
 * What the report adds up for one row (a model, a user, a property value, everything): counts,
 * money, tokens, cache outcome, and, for the rows that are drawn as percentiles, latency and
 * time to first chunk. Not thread-safe: {@link ReportCollector} holds its lock.
 */
final class Totals {
  long requests;
  long errors;
  /** Calls that had a price (a null cost is "unknown", never "free"). */
  long pricedRequests;
  double costUsd;
  long inputTokens;
  long outputTokens;
  long cachedTokens;
  long cacheHits;
  long cacheMisses;
  double savedUsd;
  /** Null for rows that don't keep percentiles (users, properties). */
  final LatencyHistogram latency;
  /** Streams only; created by the first stream. */
  LatencyHistogram firstChunk;

  Totals(boolean withPercentiles) {
    this.latency = withPercentiles ? new LatencyHistogram() : null;
  }

  void add(CallFacts call) {
    requests++;
    if (call.error) {
      errors++;
    }
    if (call.costUsd != null) {
      pricedRequests++;
      costUsd += call.costUsd;
    }
    inputTokens += call.inputTokens;
    outputTokens += call.outputTokens;
    cachedTokens += call.cachedTokens;
    if ("hit".equals(call.cacheStatus)) {
      cacheHits++;
      savedUsd += call.savedUsd;
    } else if ("miss".equals(call.cacheStatus)) {
      cacheMisses++;
    }
    if (latency != null) {
      if (call.durationMillis >= 0) {
        latency.add(call.durationMillis);
      }
      if (call.firstChunkMillis >= 0) {
        if (firstChunk == null) {
          firstChunk = new LatencyHistogram();
        }
        firstChunk.add(call.firstChunkMillis);
      }
    }
  }

  void addAll(Totals other) {
    requests += other.requests;
    errors += other.errors;
    pricedRequests += other.pricedRequests;
    costUsd += other.costUsd;
    inputTokens += other.inputTokens;
    outputTokens += other.outputTokens;
    cachedTokens += other.cachedTokens;
    cacheHits += other.cacheHits;
    cacheMisses += other.cacheMisses;
    savedUsd += other.savedUsd;
    if (latency != null && other.latency != null) {
      latency.addAll(other.latency);
    }
    if (latency != null && other.firstChunk != null) {
      if (firstChunk == null) {
        firstChunk = new LatencyHistogram();
      }
      firstChunk.addAll(other.firstChunk);
    }
  }

  Totals copy() {
    Totals t = new Totals(latency != null);
    t.addAll(this);
    return t;
  }
}
