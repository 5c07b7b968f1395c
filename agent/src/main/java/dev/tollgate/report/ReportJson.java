package dev.tollgate.report;

/**
 * Just enough JSON writing for the report's data, safe to embed in an HTML {@code <script>}
 * element: besides what JSON needs escaped, every {@code <}, {@code >}, {@code &}, {@code '}
 * and the two JavaScript line separators are written as {@code \}{@code uXXXX}, so no value
 * (a user id like {@code </script><img src=x onerror=...>}) can close the element or start
 * markup. The page reads the data with {@code JSON.parse} and puts text into the DOM with
 * {@code textContent} only.
 */
final class ReportJson {
  private ReportJson() {}

  static void string(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
      return;
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\'' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A finite number, else {@code null}. */
  static void number(StringBuilder out, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      out.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append((long) d);
    } else {
      out.append(d);
    }
  }

  static void field(StringBuilder out, String name, String value) {
    string(out, name);
    out.append(':');
    string(out, value);
    out.append(',');
  }

  static void field(StringBuilder out, String name, double value) {
    string(out, name);
    out.append(':');
    number(out, value);
    out.append(',');
  }

  static void field(StringBuilder out, String name, boolean value) {
    string(out, name);
    out.append(':').append(value).append(',');
  }

  /** Starts a field whose value the caller writes next. */
  static void name(StringBuilder out, String name) {
    string(out, name);
    out.append(':');
  }

  /** Drops a trailing comma before closing an object or array. */
  static void close(StringBuilder out, char bracket) {
    if (out.charAt(out.length() - 1) == ',') {
      out.setLength(out.length() - 1);
    }
    out.append(bracket);
  }
}
