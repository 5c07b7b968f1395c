package dev.tollgate.report;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests, errors and cost over time, in bounded memory: one bucket per minute for the last
 * 24 hours, one per hour before that, back to 30 days; older calls are only in the totals.
 * Minute buckets that leave the last 24 hours are folded into their hour when the next call
 * comes or a snapshot is taken. A bucket keeps the cost of at most {@value #MODELS_PER_BUCKET}
 * models by name; more go to its "other" cost.
 *
 * <p>At most 1,441 minute and 721 hour buckets exist. Not thread-safe: {@link ReportCollector}
 * holds its lock.
 */
final class TimeSeries {
  static final long MINUTE = 60_000L;
  static final long HOUR = 3_600_000L;
  static final long MINUTES_KEPT = 24 * HOUR;
  static final long HOURS_KEPT = 30 * 24 * HOUR;
  static final int MODELS_PER_BUCKET = 8;

  static final class Bucket {
    final long start;
    final long width;
    long requests;
    long errors;
    /** Calls Tollgate refused itself (a rate limit or budget): also counted in {@link #errors}. */
    long refused;
    double costUsd;
    double otherModelsCostUsd;
    final Map<String, Double> costByModel = new LinkedHashMap<>();

    Bucket(long start, long width) {
      this.start = start;
      this.width = width;
    }

    void add(String model, long requests, long errors, double cost) {
      this.requests += requests;
      this.errors += errors;
      this.costUsd += cost;
      if (cost == 0 && !costByModel.containsKey(model)) {
        return;
      }
      if (costByModel.containsKey(model) || costByModel.size() < MODELS_PER_BUCKET) {
        costByModel.merge(model, cost, Double::sum);
      } else {
        otherModelsCostUsd += cost;
      }
    }

    void addAll(Bucket other) {
      requests += other.requests;
      errors += other.errors;
      refused += other.refused;
      costUsd += other.costUsd;
      otherModelsCostUsd += other.otherModelsCostUsd;
      for (Map.Entry<String, Double> e : other.costByModel.entrySet()) {
        if (costByModel.containsKey(e.getKey()) || costByModel.size() < MODELS_PER_BUCKET) {
          costByModel.merge(e.getKey(), e.getValue(), Double::sum);
        } else {
          otherModelsCostUsd += e.getValue();
        }
      }
    }

    Bucket copy() {
      Bucket b = new Bucket(start, width);
      b.addAll(this);
      return b;
    }
  }

  private final TreeMap<Long, Bucket> minutes = new TreeMap<>();
  private final TreeMap<Long, Bucket> hours = new TreeMap<>();
  private long callsTooOld;

  void add(CallFacts call, long nowMillis) {
    compact(nowMillis);
    long t = Math.min(call.epochMillis, nowMillis);
    double cost = call.costUsd == null ? 0 : call.costUsd;
    long errors = call.error ? 1 : 0;
    Bucket bucket;
    if (t >= minuteCutoff(nowMillis)) {
      bucket = minutes.computeIfAbsent(floor(t, MINUTE), s -> new Bucket(s, MINUTE));
    } else if (t >= hourCutoff(nowMillis)) {
      bucket = hours.computeIfAbsent(floor(t, HOUR), s -> new Bucket(s, HOUR));
    } else {
      bucket = null;
    }
    if (bucket != null) {
      bucket.add(call.model, 1, errors, cost);
      if (call.blockedBy != null) {
        bucket.refused++;
      }
    } else {
      callsTooOld++;
    }
  }

  /** Folds minute buckets older than 24 h into hours, and drops hours older than 30 days. */
  void compact(long nowMillis) {
    long minuteCutoff = minuteCutoff(nowMillis);
    Iterator<Map.Entry<Long, Bucket>> it = minutes.headMap(minuteCutoff, false).entrySet().iterator();
    while (it.hasNext()) {
      Bucket old = it.next().getValue();
      hours.computeIfAbsent(floor(old.start, HOUR), s -> new Bucket(s, HOUR)).addAll(old);
      it.remove();
    }
    Iterator<Map.Entry<Long, Bucket>> tooOld = hours.headMap(hourCutoff(nowMillis), false).entrySet().iterator();
    while (tooOld.hasNext()) {
      callsTooOld += tooOld.next().getValue().requests;
      tooOld.remove();
    }
  }

  /** Hour buckets then minute buckets, oldest first (copies). */
  List<Bucket> buckets(long nowMillis) {
    compact(nowMillis);
    List<Bucket> out = new ArrayList<>(hours.size() + minutes.size());
    hours.values().forEach(b -> out.add(b.copy()));
    minutes.values().forEach(b -> out.add(b.copy()));
    return out;
  }

  int minuteBuckets() {
    return minutes.size();
  }

  int hourBuckets() {
    return hours.size();
  }

  /** Calls older than the 30 days the series keeps (they are in the totals only). */
  long callsTooOld() {
    return callsTooOld;
  }

  private static long minuteCutoff(long nowMillis) {
    return floor(nowMillis, MINUTE) - MINUTES_KEPT;
  }

  private static long hourCutoff(long nowMillis) {
    return floor(nowMillis, HOUR) - HOURS_KEPT;
  }

  static long floor(long t, long width) {
    return Math.floorDiv(t, width) * width;
  }
}
