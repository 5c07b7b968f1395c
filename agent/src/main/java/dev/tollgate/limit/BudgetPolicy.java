package dev.tollgate.limit;

import dev.tollgate.config.Durations;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A spending budget, from {@code tollgate.budget.<name>=<USD>[;w=window][;s=scope][;mode=alert|block][;tz=zone][;alert=50,80,100]}.
 *
 * <ul>
 *   <li>{@code w}: {@code daily} (the default), {@code weekly} (from Monday), {@code monthly},
 *       each a calendar period in the zone {@code tz} (default UTC); or a rolling duration such
 *       as {@code 1h}, {@code 30m}, {@code 7d} (at least a minute).
 *   <li>{@code s}: absent or {@code global} for one budget over every call; {@code user} (per
 *       {@code User-Id}), {@code model} (per requested model), or a custom property's name (per
 *       value of that property).
 *   <li>{@code mode}: {@code alert} only reports; {@code block} also refuses calls (429, no
 *       network call) once the window's spend has reached the amount.
 *   <li>{@code alert}: the percentages of the amount at which an alert fires (default
 *       50, 80, 100), each at most once per window and scope value.
 * </ul>
 * One syntax for one line, like {@code RateLimit-Policy}, so that a budget also fits in one
 * environment variable ({@code TOLLGATE_BUDGET_<NAME>}).
 */
public final class BudgetPolicy {
  /** How a budget's window is cut. */
  public enum Period {
    DAILY, WEEKLY, MONTHLY, ROLLING
  }

  /** What a budget does once spent. */
  public enum Mode {
    ALERT, BLOCK
  }

  private static final int[] DEFAULT_ALERTS = {50, 80, 100};
  private static final long MIN_ROLLING_MILLIS = 60_000;

  private final String name;
  private final double limitUsd;
  private final Period period;
  private final long rollingMillis;
  private final ZoneId zone;
  private final String scope;
  private final Mode mode;
  private final int[] alertPercents;

  private BudgetPolicy(String name, double limitUsd, Period period, long rollingMillis, ZoneId zone, String scope,
      Mode mode, int[] alertPercents) {
    this.name = name;
    this.limitUsd = limitUsd;
    this.period = period;
    this.rollingMillis = rollingMillis;
    this.zone = zone;
    this.scope = scope;
    this.mode = mode;
    this.alertPercents = alertPercents;
  }

  /**
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static BudgetPolicy parse(String name, String text) {
    if (name == null || !name.matches("[\\w.-]{1,64}")) {
      throw new IllegalArgumentException("budget name '" + name + "' must be 1..64 letters, digits, '_', '-' or '.'");
    }
    String[] parts = (text == null ? "" : text.trim()).split(";");
    double limit;
    try {
      limit = Double.parseDouble(parts[0].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("budget " + name + ": '" + parts[0].trim()
          + "' is not an amount in USD such as 25 or 0.50");
    }
    if (!(limit > 0) || !Double.isFinite(limit)) {
      throw new IllegalArgumentException("budget " + name + ": the amount must be above 0");
    }
    Period period = Period.DAILY;
    long rolling = 0;
    ZoneId zone = ZoneOffset.UTC;
    String scope = null;
    Mode mode = Mode.ALERT;
    int[] alerts = DEFAULT_ALERTS;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("budget " + name + ": '" + part + "' is not key=value");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = part.substring(eq + 1).trim();
      switch (key) {
        case "w":
          switch (value.toLowerCase(Locale.ROOT)) {
            case "daily":
              period = Period.DAILY;
              break;
            case "weekly":
              period = Period.WEEKLY;
              break;
            case "monthly":
              period = Period.MONTHLY;
              break;
            default:
              period = Period.ROLLING;
              try {
                rolling = Durations.parseMillis(value);
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("budget " + name + ": w='" + value
                    + "' is not daily, weekly, monthly or a duration such as 6h");
              }
              if (rolling < MIN_ROLLING_MILLIS) {
                throw new IllegalArgumentException("budget " + name + ": a rolling window must be at least 1m");
              }
          }
          break;
        case "s":
          String s = value.toLowerCase(Locale.ROOT);
          if (!s.matches("[\\w.-]+")) {
            throw new IllegalArgumentException("budget " + name + ": s='" + value
                + "' is not global, user, model or a property name");
          }
          scope = s.equals("global") ? null : s;
          break;
        case "mode":
          if (value.equalsIgnoreCase("alert")) {
            mode = Mode.ALERT;
          } else if (value.equalsIgnoreCase("block")) {
            mode = Mode.BLOCK;
          } else {
            throw new IllegalArgumentException("budget " + name + ": mode='" + value + "' is not alert or block");
          }
          break;
        case "tz":
          try {
            zone = ZoneId.of(value);
          } catch (DateTimeException e) {
            throw new IllegalArgumentException("budget " + name + ": tz='" + value
                + "' is not a time zone such as UTC or Europe/Berlin");
          }
          break;
        case "alert":
          alerts = percents(name, value);
          break;
        default:
          throw new IllegalArgumentException("budget " + name + ": unknown key '" + key
              + "' (use w, s, mode, tz, alert)");
      }
    }
    return new BudgetPolicy(name, limit, period, rolling, zone, scope, mode, alerts);
  }

  private static int[] percents(String name, String value) {
    TreeSet<Integer> set = new TreeSet<>();
    if (!value.isEmpty()) {
      for (String p : value.split(",")) {
        try {
          int n = Integer.parseInt(p.trim().replace("%", ""));
          if (n < 1 || n > 1000) {
            throw new NumberFormatException();
          }
          set.add(n);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("budget " + name + ": alert='" + value
              + "' is not a list of percentages 1..1000 such as 50,80,100");
        }
      }
    }
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  public String name() {
    return name;
  }

  public double limitUsd() {
    return limitUsd;
  }

  public Period period() {
    return period;
  }

  /** The rolling window's length; 0 for a calendar period. */
  public long rollingMillis() {
    return rollingMillis;
  }

  public ZoneId zone() {
    return zone;
  }

  /** {@code user}, {@code model}, a property name, or null for a global budget. */
  public String scope() {
    return scope;
  }

  public Mode mode() {
    return mode;
  }

  /** Ascending; possibly empty (no alerts). */
  public int[] alertPercents() {
    return alertPercents.clone();
  }

  /** A short description for logs and alerts, e.g. {@code $25.00 daily (UTC) per user, block}. */
  public String describe() {
    String window = period == Period.ROLLING ? "per rolling " + Durations.format(rollingMillis)
        : period.name().toLowerCase(Locale.ROOT) + " (" + zone.getId() + ")";
    return String.format(Locale.ROOT, "%s %s%s, %s", usd(limitUsd), window,
        scope == null ? "" : " per " + scope, mode.name().toLowerCase(Locale.ROOT));
  }

  /** True when one of {@code budgets} refuses calls once spent: then every call is admitted first. */
  public static boolean anyBlocks(java.util.List<BudgetPolicy> budgets) {
    for (BudgetPolicy b : budgets) {
      if (b.mode == Mode.BLOCK) {
        return true;
      }
    }
    return false;
  }

  /**
   * An amount as people read it: cents from a dollar up ({@code $25.00}), and below a dollar
   * three significant digits, so that a tiny budget does not read {@code $0.00}
   * ({@code $0.5}, {@code $0.00125}).
   */
  public static String usd(double amount) {
    if (!Double.isFinite(amount)) {
      return "$" + amount;
    }
    if (Math.abs(amount) >= 1 || amount == 0) {
      return String.format(Locale.ROOT, "$%.2f", amount);
    }
    return "$" + new java.math.BigDecimal(amount).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BudgetPolicy)) {
      return false;
    }
    BudgetPolicy b = (BudgetPolicy) o;
    return name.equals(b.name) && limitUsd == b.limitUsd && period == b.period && rollingMillis == b.rollingMillis
        && zone.equals(b.zone) && Objects.equals(scope, b.scope) && mode == b.mode
        && Arrays.equals(alertPercents, b.alertPercents);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, limitUsd, period, rollingMillis, zone, scope, mode) * 31 + Arrays.hashCode(alertPercents);
  }

  @Override
  public String toString() {
    return name + "=" + describe();
  }
}
