package dev.tollgate.it.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one PromQL expression of a Grafana dashboard refers to: metric names, the labels it
 * groups or matches by, and the label matchers with their values. Not a PromQL parser: enough
 * of the grammar for the dashboards' own queries (aggregations with {@code by}/{@code without},
 * {@code on}/{@code ignoring}/{@code group_*}, functions, range selectors, Grafana variables,
 * and {@code label_values(metric, label)} of a template variable).
 */
public record PromQlReferences(String expr, Set<String> metrics, Set<String> groupingLabels, List<Matcher> matchers) {

  /** A label matcher such as {@code tollgate_cache_status="hit"}. */
  public record Matcher(String label, String op, String value) {}

  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,]+?)\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)\\}");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "offset", "and", "or", "unless", "atan2");

  public static PromQlReferences of(String expr) {
    Set<String> metrics = new LinkedHashSet<>();
    Set<String> grouping = new LinkedHashSet<>();
    List<Matcher> matchers = new ArrayList<>();
    String rest = expr;

    java.util.regex.Matcher lv = LABEL_VALUES.matcher(rest);
    StringBuilder withoutLabelValues = new StringBuilder();
    while (lv.find()) {
      grouping.add(lv.group(2));
      lv.appendReplacement(withoutLabelValues, java.util.regex.Matcher.quoteReplacement(" " + lv.group(1) + " "));
    }
    lv.appendTail(withoutLabelValues);
    rest = withoutLabelValues.toString();

    rest = RANGE.matcher(rest).replaceAll(" ");
    java.util.regex.Matcher selector = SELECTOR.matcher(rest);
    while (selector.find()) {
      java.util.regex.Matcher m = MATCHER.matcher(selector.group(1));
      while (m.find()) {
        matchers.add(new Matcher(m.group(1), m.group(2), m.group(3)));
      }
    }
    rest = SELECTOR.matcher(rest).replaceAll(" ");
    java.util.regex.Matcher g = GROUPING.matcher(rest);
    while (g.find()) {
      for (String label : g.group(2).split(",")) {
        if (!label.isBlank()) {
          grouping.add(label.trim());
        }
      }
    }
    rest = GROUPING.matcher(rest).replaceAll(" ");
    rest = STRING.matcher(rest).replaceAll(" ");
    rest = rest.replaceAll("\\$\\{?[a-zA-Z0-9_]+}?", " ");

    java.util.regex.Matcher id = IDENTIFIER.matcher(rest);
    while (id.find()) {
      String word = id.group();
      int after = id.end();
      while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
        after++;
      }
      boolean function = after < rest.length() && rest.charAt(after) == '(';
      boolean partOfNumber = id.start() > 0 && (Character.isDigit(rest.charAt(id.start() - 1)) || rest.charAt(id.start() - 1) == '.');
      if (!function && !partOfNumber && !KEYWORDS.contains(word)) {
        metrics.add(word);
      }
    }
    return new PromQlReferences(expr, metrics, grouping, matchers);
  }

  /** Every label the expression names: grouped by, matched on. */
  public Set<String> labels() {
    Set<String> all = new LinkedHashSet<>(groupingLabels);
    matchers.forEach(m -> all.add(m.label()));
    return all;
  }
}
