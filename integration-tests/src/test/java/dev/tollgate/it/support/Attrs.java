package dev.tollgate.it.support;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads OTLP attribute lists by key. Typed getters return null when the key is absent or of another type. */
public final class Attrs {
  private final List<KeyValue> list;

  public Attrs(List<KeyValue> list) {
    this.list = list;
  }

  public Optional<AnyValue> get(String key) {
    return list.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue).findFirst();
  }

  public boolean has(String key) {
    return get(key).isPresent();
  }

  public String str(String key) {
    return get(key).filter(AnyValue::hasStringValue).map(AnyValue::getStringValue).orElse(null);
  }

  public Long lng(String key) {
    return get(key).filter(AnyValue::hasIntValue).map(AnyValue::getIntValue).orElse(null);
  }

  public Double dbl(String key) {
    return get(key).filter(AnyValue::hasDoubleValue).map(AnyValue::getDoubleValue).orElse(null);
  }

  public Boolean bool(String key) {
    return get(key).filter(AnyValue::hasBoolValue).map(AnyValue::getBoolValue).orElse(null);
  }

  public List<String> strings(String key) {
    return get(key).filter(AnyValue::hasArrayValue)
        .map(v -> v.getArrayValue().getValuesList().stream().map(AnyValue::getStringValue).toList())
        .orElse(null);
  }

  /** Every attribute as key → readable value, for failure messages. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    list.forEach(kv -> map.put(kv.getKey(), render(kv.getValue())));
    return map;
  }

  static String render(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> '"' + v.getStringValue() + '"';
      case BOOL_VALUE -> String.valueOf(v.getBoolValue());
      case INT_VALUE -> v.getIntValue() + "L";
      case DOUBLE_VALUE -> v.getDoubleValue() + "d";
      case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(Attrs::render).toList().toString();
      default -> v.toString().trim();
    };
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
