package dev.tollgate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The call attributes, beyond the fixed ones, that go onto metrics: those named in
 * {@code tollgate.metrics.attributes} (e.g. {@code user.id,tollgate.property.feature}).
 *
 * <p>Why a list and a cap: every distinct value of a metric attribute is a time series of its
 * own, and user ids are unbounded. Only the listed attributes are added, and each keeps at
 * most {@code maxValues} distinct values; later new values are recorded as
 * {@value #OTHER}. Spans always carry everything.
 *
 * <p>Names: {@code user.id}, {@code session.id}, {@code tollgate.session.name} and
 * {@code tollgate.property.<name>} (the property's name compared without case).
 */
public final class MetricDimensions {
  /** The value that stands for every value past the cap. */
  public static final String OTHER = "_other";
  private static final MetricDimensions NONE = new MetricDimensions(List.of(), 0);
  private static final String[] NO_VALUES = new String[0];

  private final List<String> names;
  private final List<AttributeKey<String>> keys;
  private final int maxValues;
  private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

  private MetricDimensions(List<String> names, int maxValues) {
    this.names = names;
    this.maxValues = maxValues;
    List<AttributeKey<String>> k = new ArrayList<>(names.size());
    for (String n : names) {
      k.add(AttributeKey.stringKey(n));
    }
    this.keys = k;
  }

  public static MetricDimensions none() {
    return NONE;
  }

  /**
   * @param list comma-separated attribute names; unknown ones are returned in {@code rejected}
   * @param maxValues distinct values kept per attribute, at least 1
   */
  public static MetricDimensions of(String list, int maxValues, List<String> rejected) {
    if (list == null || list.isBlank()) {
      return NONE;
    }
    List<String> names = new ArrayList<>();
    for (String raw : list.split(",")) {
      String n = raw.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty() || names.contains(n)) {
        continue;
      }
      if (n.equals("user.id") || n.equals("session.id") || n.equals("tollgate.session.name")
          || (n.startsWith(GenAiAttributes.PROPERTY_PREFIX) && n.length() > GenAiAttributes.PROPERTY_PREFIX.length())) {
        names.add(n);
      } else {
        rejected.add(n);
      }
    }
    return names.isEmpty() ? NONE : new MetricDimensions(List.copyOf(names), Math.max(1, maxValues));
  }

  /** The attribute names added to metrics, in the order given. */
  public List<String> names() {
    return names;
  }

  /** This call's values of the listed attributes, capped, in the order of {@link #names()}; null entries for none. */
  String[] values(CallRecord r) {
    if (names.isEmpty()) {
      return NO_VALUES;
    }
    String[] values = new String[names.size()];
    for (int i = 0; i < values.length; i++) {
      String value = valueOf(names.get(i), r);
      values[i] = value == null ? null : capped(names.get(i), value);
    }
    return values;
  }

  /** Adds values from {@link #values}; a call without a value gets none. */
  void addTo(AttributesBuilder b, String[] values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        b.put(keys.get(i), values[i]);
      }
    }
  }

  private String capped(String name, String value) {
    Set<String> values = seen.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet());
    if (values.contains(value)) {
      return value;
    }
    synchronized (values) {
      if (values.size() < maxValues) {
        values.add(value);
        return value;
      }
    }
    return values.contains(value) ? value : OTHER;
  }

  private static String valueOf(String name, CallRecord r) {
    switch (name) {
      case "user.id":
        return r.userId;
      case "session.id":
        return r.sessionId;
      case "tollgate.session.name":
        return r.sessionName;
      default:
        String property = name.substring(GenAiAttributes.PROPERTY_PREFIX.length());
        for (Map.Entry<String, String> p : r.properties.entrySet()) {
          if (p.getKey().equalsIgnoreCase(property)) {
            return p.getValue();
          }
        }
        return null;
    }
  }
}
