package dev.tollgate.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Totals} per key (a model, a user id, a property value) in bounded memory: at most
 * {@code capacity} keys are kept; a new key beyond that pushes out the cheapest kept key, whose
 * numbers move into the "other" row (the space-saving way of finding the heaviest keys: a key
 * that keeps spending stays, a one-off makes room for the next). Totals stay exact: every call
 * is in some row. A key that was pushed out and comes back starts again from zero; its earlier
 * numbers stay in "other".
 *
 * <p>Not thread-safe: {@link ReportCollector} holds its lock.
 */
final class TopTable {
  /** One row of a snapshot: a key (null for "other") and a copy of its totals. */
  record Row(String key, Totals totals) {}

  private static final Comparator<Map.Entry<String, Totals>> HEAVIEST_FIRST =
      Comparator.<Map.Entry<String, Totals>>comparingDouble(e -> e.getValue().costUsd).reversed()
          .thenComparing(Comparator.<Map.Entry<String, Totals>>comparingLong(e -> e.getValue().requests).reversed())
          .thenComparing(Map.Entry::getKey);

  private final int capacity;
  private final boolean withPercentiles;
  private final Map<String, Totals> rows = new HashMap<>();
  private final Totals other;
  private long pushedOut;

  TopTable(int capacity, boolean withPercentiles) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.withPercentiles = withPercentiles;
    this.other = new Totals(withPercentiles);
  }

  void add(String key, CallFacts call) {
    rowFor(key).add(call);
  }

  private Totals rowFor(String key) {
    Totals row = rows.get(key);
    if (row != null) {
      return row;
    }
    if (rows.size() >= capacity) {
      Map.Entry<String, Totals> lightest = null;
      for (Map.Entry<String, Totals> e : rows.entrySet()) {
        if (lightest == null || HEAVIEST_FIRST.compare(e, lightest) > 0) {
          lightest = e;
        }
      }
      other.addAll(lightest.getValue());
      rows.remove(lightest.getKey());
      pushedOut++;
    }
    row = new Totals(withPercentiles);
    rows.put(key, row);
    return row;
  }

  /** Keys kept right now (never above the capacity). */
  int size() {
    return rows.size();
  }

  /** How many keys were pushed out into "other" so far. */
  long pushedOut() {
    return pushedOut;
  }

  /**
   * The {@code top} heaviest rows (by cost, then requests), then one "other" row (key null)
   * with everything else, when there is anything else.
   */
  List<Row> top(int top) {
    List<Map.Entry<String, Totals>> sorted = new ArrayList<>(rows.entrySet());
    sorted.sort(HEAVIEST_FIRST);
    List<Row> out = new ArrayList<>(Math.min(sorted.size(), top) + 1);
    Totals rest = other.copy();
    for (int i = 0; i < sorted.size(); i++) {
      if (i < top) {
        out.add(new Row(sorted.get(i).getKey(), sorted.get(i).getValue().copy()));
      } else {
        rest.addAll(sorted.get(i).getValue());
      }
    }
    if (rest.requests > 0) {
      out.add(new Row(null, rest));
    }
    return out;
  }
}
