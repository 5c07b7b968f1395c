package dev.tollgate.report;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway itself did and heard, for the report's second board (the Grafana
 * "Cache, rate limits and budgets" dashboard's panels): the calls Tollgate refused, per reason;
 * the alerts raised, the last {@value #ALERTS_KEPT}; and the provider's last rate-limit report
 * per provider and requested model.
 *
 * <p>Bounded like the rest of the collector: at most {@value #REASONS_KEPT} refusal reasons
 * (more are added up as "other"; reasons are configured names in practice), the last
 * {@value #ALERTS_KEPT} alerts (older ones only counted), and {@value #HEADROOM_KEPT}
 * provider+model pairs (the one reported least recently makes room). Headroom is taken from
 * calls that went to the provider: not from a refusal (Tollgate's own answer) nor from a cache
 * hit (its headers are a stored answer's, possibly hours old).
 *
 * <p>Not thread-safe: {@link ReportCollector} holds its lock.
 */
final class GatewayActivity {
  static final int REASONS_KEPT = 50;
  static final int ALERTS_KEPT = 20;
  static final int HEADROOM_KEPT = 50;

  /** Refusals for one reason. */
  static final class Refusals {
    long count;
    long firstMillis;
    long lastMillis;

    Refusals copy() {
      Refusals r = new Refusals();
      r.count = count;
      r.firstMillis = firstMillis;
      r.lastMillis = lastMillis;
      return r;
    }
  }

  /** A provider's last reported limits for one model; a field stays null until a header names it. */
  static final class Headroom {
    final String provider;
    final String model;
    long reportedAtMillis;
    Long limitRequests;
    Long remainingRequests;
    Long limitTokens;
    Long remainingTokens;

    Headroom(String provider, String model) {
      this.provider = provider;
      this.model = model;
    }

    Headroom copy() {
      Headroom h = new Headroom(provider, model);
      h.reportedAtMillis = reportedAtMillis;
      h.limitRequests = limitRequests;
      h.remainingRequests = remainingRequests;
      h.limitTokens = limitTokens;
      h.remainingTokens = remainingTokens;
      return h;
    }
  }

  private final Map<String, Refusals> refusals = new LinkedHashMap<>();
  private final Refusals otherRefusals = new Refusals();
  private long refusedTotal;
  private final ArrayDeque<CallFacts.AlertFact> lastAlerts = new ArrayDeque<>(ALERTS_KEPT);
  private long alertsTotal;
  /** Access order: the least recently reported pair is the first to go. */
  private final LinkedHashMap<String, Headroom> headroom = new LinkedHashMap<>(64, 0.75f, true);
  private long headroomPairsDropped;

  void add(CallFacts call) {
    if (call.blockedBy != null) {
      refused(call.blockedBy, call.epochMillis);
    }
    for (CallFacts.AlertFact a : call.alerts) {
      alertsTotal++;
      if (lastAlerts.size() == ALERTS_KEPT) {
        lastAlerts.removeFirst();
      }
      lastAlerts.addLast(a);
    }
    if (call.blockedBy == null && !"hit".equals(call.cacheStatus) && (call.rateLimitRequests != null
        || call.rateLimitRemainingRequests != null || call.rateLimitTokens != null
        || call.rateLimitRemainingTokens != null)) {
      headroom(call);
    }
  }

  private void refused(String reason, long epochMillis) {
    refusedTotal++;
    Refusals r = refusals.get(reason);
    if (r == null) {
      if (refusals.size() >= REASONS_KEPT) {
        r = otherRefusals;
      } else {
        r = new Refusals();
        refusals.put(reason, r);
      }
    }
    if (r.count == 0 || epochMillis < r.firstMillis) {
      r.firstMillis = epochMillis;
    }
    r.lastMillis = Math.max(r.lastMillis, epochMillis);
    r.count++;
  }

  private void headroom(CallFacts call) {
    String provider = call.provider == null ? "" : call.provider;
    String model = call.model == null ? ReportCollector.NO_MODEL : call.model;
    String key = provider + '\u0000' + model;
    Headroom h = headroom.get(key);
    if (h == null) {
      if (headroom.size() >= HEADROOM_KEPT) {
        Iterator<String> eldest = headroom.keySet().iterator();
        eldest.next();
        eldest.remove();
        headroomPairsDropped++;
      }
      h = new Headroom(provider, model);
      headroom.put(key, h);
    }
    if (call.epochMillis < h.reportedAtMillis) {
      return; // an older call that ended later: its numbers are not the latest
    }
    h.reportedAtMillis = call.epochMillis;
    if (call.rateLimitRequests != null) {
      h.limitRequests = call.rateLimitRequests;
    }
    if (call.rateLimitRemainingRequests != null) {
      h.remainingRequests = call.rateLimitRemainingRequests;
    }
    if (call.rateLimitTokens != null) {
      h.limitTokens = call.rateLimitTokens;
    }
    if (call.rateLimitRemainingTokens != null) {
      h.remainingTokens = call.rateLimitRemainingTokens;
    }
  }

  /** Reasons by count, most first (copies); "other" is {@link #otherRefusals()}. */
  Map<String, Refusals> refusals() {
    List<Map.Entry<String, Refusals>> sorted = new ArrayList<>(refusals.entrySet());
    sorted.sort(Comparator.<Map.Entry<String, Refusals>>comparingLong(e -> e.getValue().count).reversed()
        .thenComparing(Map.Entry::getKey));
    Map<String, Refusals> out = new LinkedHashMap<>();
    sorted.forEach(e -> out.put(e.getKey(), e.getValue().copy()));
    return out;
  }

  Refusals otherRefusals() {
    return otherRefusals.copy();
  }

  long refusedTotal() {
    return refusedTotal;
  }

  /** The last alerts, newest first. */
  List<CallFacts.AlertFact> lastAlerts() {
    List<CallFacts.AlertFact> out = new ArrayList<>(lastAlerts);
    Collections.reverse(out);
    return out;
  }

  long alertsTotal() {
    return alertsTotal;
  }

  /** Provider+model pairs, by provider then model (copies). */
  List<Headroom> headroom() {
    List<Headroom> out = new ArrayList<>(headroom.size());
    headroom.values().forEach(h -> out.add(h.copy()));
    out.sort(Comparator.comparing((Headroom h) -> h.provider).thenComparing(h -> h.model));
    return out;
  }

  long headroomPairsDropped() {
    return headroomPairsDropped;
  }

  int headroomPairsKept() {
    return headroom.size();
  }
}
