package dev.tollgate.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What each budget has spent in its current window, per scope value, and which alert
 * thresholds that window has already crossed.
 *
 * <p>A call counts when its cost is known, at its end (a stream's usage arrives with its last
 * event). A {@code block} budget refuses new calls once the window's spend has reached the
 * amount; calls already in flight then still finish and count, so a window can end somewhat
 * above its amount — by at most what the calls in flight at that moment cost.
 *
 * <p>Calendar windows start at midnight (Monday for weekly, the 1st for monthly) in the
 * budget's zone, read from the injected {@link Clock}; a rolling window is a
 * {@link SlidingWindow} over the same clock. Each threshold fires at most once per window and
 * scope value (a rolling window re-arms a threshold once its spend falls below it again).
 */
public final class Budgets {
  static final long MAX_LEDGERS = 100_000;

  private final List<BudgetPolicy> policies;
  private final Clock clock;
  private final Cache<Key, Ledger> ledgers;

  public Budgets(List<BudgetPolicy> policies, Clock clock) {
    this.policies = List.copyOf(policies);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ledgers = Caffeine.newBuilder()
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .maximumSize(MAX_LEDGERS)
        .expireAfter(new LifetimeExpiry<Key, Ledger>((key, ledger) -> ledger.lifetimeNanos(clock.millis())))
        .build();
  }

  public List<BudgetPolicy> policies() {
    return policies;
  }

  /**
   * The first {@code block} budget whose window, for this call's scope value, is spent; null
   * when the call may go.
   *
   * @param scopeValues a call's value for {@code user}, {@code model} or a property name; null
   *     when it has none (such calls share one ledger)
   */
  public BudgetPolicy exhausted(Function<String, String> scopeValues) {
    long now = clock.millis();
    for (BudgetPolicy p : policies) {
      if (p.mode() == BudgetPolicy.Mode.BLOCK) {
        Ledger l = ledger(p, scopeValue(p, scopeValues), now);
        synchronized (l) {
          if (l.spent(now) >= p.limitUsd()) {
            return p;
          }
        }
      }
    }
    return null;
  }

  /** Adds a call's cost to every budget; returns the thresholds this crossed, to be alerted. */
  public List<Crossing> spend(Function<String, String> scopeValues, double usd) {
    if (policies.isEmpty() || !(usd > 0) || !Double.isFinite(usd)) {
      return List.of();
    }
    long now = clock.millis();
    List<Crossing> crossed = new ArrayList<>(0);
    for (BudgetPolicy p : policies) {
      String value = scopeValue(p, scopeValues);
      Ledger l = ledger(p, value, now);
      synchronized (l) {
        l.add(now, usd);
        double spent = l.spent(now);
        int[] percents = p.alertPercents();
        for (int i = 0; i < percents.length; i++) {
          boolean reached = spent >= p.limitUsd() * percents[i] / 100.0;
          if (reached && !l.fired[i]) {
            l.fired[i] = true;
            crossed.add(new Crossing(p, value, percents[i], spent, l.windowLabel));
          } else if (!reached && p.period() == BudgetPolicy.Period.ROLLING) {
            l.fired[i] = false;
          }
        }
      }
    }
    return crossed;
  }

  /** What {@code policy} has spent in its current window for this scope value. */
  public double spent(BudgetPolicy policy, String scopeValue) {
    long now = clock.millis();
    Ledger l = ledger(policy, scopeValue, now);
    synchronized (l) {
      return l.spent(now);
    }
  }

  /**
   * Each budget's spend in its current window, for gauges: a global budget always (0 before
   * its first call), a scoped one for its {@code maxPerBudget} biggest spenders.
   */
  public List<Reading> readings(int maxPerBudget) {
    long now = clock.millis();
    Map<String, List<Reading>> byBudget = new LinkedHashMap<>();
    for (BudgetPolicy p : policies) {
      byBudget.put(p.name(), new ArrayList<>());
    }
    for (Map.Entry<Key, Ledger> e : ledgers.asMap().entrySet()) {
      Key k = e.getKey();
      BudgetPolicy p = k.policy;
      if (p.period() != BudgetPolicy.Period.ROLLING
          && k.windowStartMillis != windowStart(p, now).toInstant().toEpochMilli()) {
        continue; // a past window, not yet forgotten
      }
      double spent;
      synchronized (e.getValue()) {
        spent = e.getValue().spent(now);
      }
      List<Reading> list = byBudget.get(p.name());
      if (list != null) {
        list.add(new Reading(p, k.scopeValue, spent));
      }
    }
    List<Reading> out = new ArrayList<>();
    for (BudgetPolicy p : policies) {
      List<Reading> list = byBudget.get(p.name());
      if (p.scope() == null && list.isEmpty()) {
        list.add(new Reading(p, null, 0));
      }
      list.sort((a, b) -> Double.compare(b.spentUsd, a.spentUsd));
      out.addAll(list.subList(0, Math.min(list.size(), Math.max(1, maxPerBudget))));
    }
    return out;
  }

  /** The label of {@code policy}'s current window, as alerts name it: {@code 2026-11-26 (UTC)}, {@code last 1h}. */
  public String windowLabel(BudgetPolicy policy) {
    return policy.period() == BudgetPolicy.Period.ROLLING ? rollingLabel(policy)
        : calendarLabel(policy, windowStart(policy, clock.millis()));
  }

  private static String calendarLabel(BudgetPolicy p, ZonedDateTime start) {
    String label;
    switch (p.period()) {
      case WEEKLY:
        label = "week of " + start.toLocalDate();
        break;
      case MONTHLY:
        label = start.toLocalDate().toString().substring(0, 7);
        break;
      default:
        label = start.toLocalDate().toString();
    }
    return label + " (" + p.zone().getId() + ")";
  }

  private static String rollingLabel(BudgetPolicy p) {
    return "last " + dev.tollgate.config.Durations.format(p.rollingMillis());
  }

  /** One ledger's spend now. */
  public static final class Reading {
    private final BudgetPolicy policy;
    private final String scopeValue;
    private final double spentUsd;

    Reading(BudgetPolicy policy, String scopeValue, double spentUsd) {
      this.policy = policy;
      this.scopeValue = scopeValue;
      this.spentUsd = spentUsd;
    }

    public BudgetPolicy policy() {
      return policy;
    }

    /** Null for a global budget (or a scoped one's calls without a value). */
    public String scopeValue() {
      return scopeValue;
    }

    public double spentUsd() {
      return spentUsd;
    }
  }

  private static String scopeValue(BudgetPolicy p, Function<String, String> scopeValues) {
    return p.scope() == null ? null : scopeValues.apply(p.scope());
  }

  private Ledger ledger(BudgetPolicy p, String scopeValue, long nowMillis) {
    if (p.period() == BudgetPolicy.Period.ROLLING) {
      return ledgers.get(new Key(p, scopeValue, 0), k -> Ledger.rolling(p, nowMillis));
    }
    ZonedDateTime start = windowStart(p, nowMillis);
    long startMillis = start.toInstant().toEpochMilli();
    return ledgers.get(new Key(p, scopeValue, startMillis), k -> Ledger.calendar(p, start));
  }

  /** The start of the calendar window holding {@code nowMillis}, in the budget's zone. */
  static ZonedDateTime windowStart(BudgetPolicy p, long nowMillis) {
    LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(p.zone()).toLocalDate();
    LocalDate first;
    switch (p.period()) {
      case WEEKLY:
        first = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        break;
      case MONTHLY:
        first = today.withDayOfMonth(1);
        break;
      default:
        first = today;
    }
    return first.atStartOfDay(p.zone());
  }

  static ZonedDateTime windowEnd(BudgetPolicy p, ZonedDateTime start) {
    switch (p.period()) {
      case WEEKLY:
        return start.toLocalDate().plusWeeks(1).atStartOfDay(p.zone());
      case MONTHLY:
        return start.toLocalDate().plusMonths(1).atStartOfDay(p.zone());
      default:
        return start.toLocalDate().plusDays(1).atStartOfDay(p.zone());
    }
  }

  /** A budget threshold crossed by one call. */
  public static final class Crossing {
    private final BudgetPolicy policy;
    private final String scopeValue;
    private final int percent;
    private final double spentUsd;
    private final String window;

    Crossing(BudgetPolicy policy, String scopeValue, int percent, double spentUsd, String window) {
      this.policy = policy;
      this.scopeValue = scopeValue;
      this.percent = percent;
      this.spentUsd = spentUsd;
      this.window = window;
    }

    public BudgetPolicy policy() {
      return policy;
    }

    /** The user, model or property value this ledger is for; null for a global budget or a call without one. */
    public String scopeValue() {
      return scopeValue;
    }

    public int percent() {
      return percent;
    }

    public double spentUsd() {
      return spentUsd;
    }

    /** The window, e.g. {@code 2026-11-26 (UTC)} or {@code last 1h}. */
    public String window() {
      return window;
    }
  }

  /** One budget's spend in one window for one scope value. Guarded by its own monitor. */
  private static final class Ledger {
    final boolean[] fired;
    final String windowLabel;
    private final long endMillis; // calendar: when the window ends
    private final SlidingWindow rolling; // rolling: the amounts, else null
    private final long rollingMillis;
    private double spent;

    private Ledger(int thresholds, String windowLabel, long endMillis, SlidingWindow rolling, long rollingMillis) {
      this.fired = new boolean[thresholds];
      this.windowLabel = windowLabel;
      this.endMillis = endMillis;
      this.rolling = rolling;
      this.rollingMillis = rollingMillis;
    }

    static Ledger calendar(BudgetPolicy p, ZonedDateTime start) {
      return new Ledger(p.alertPercents().length, calendarLabel(p, start),
          windowEnd(p, start).toInstant().toEpochMilli(), null, 0);
    }

    static Ledger rolling(BudgetPolicy p, long nowMillis) {
      return new Ledger(p.alertPercents().length, rollingLabel(p),
          0, new SlidingWindow(TimeUnit.MILLISECONDS.toNanos(p.rollingMillis())), p.rollingMillis());
    }

    void add(long nowMillis, double usd) {
      if (rolling != null) {
        rolling.add(TimeUnit.MILLISECONDS.toNanos(nowMillis), usd);
      } else {
        spent += usd;
      }
    }

    double spent(long nowMillis) {
      return rolling != null ? rolling.sum(TimeUnit.MILLISECONDS.toNanos(nowMillis)) : spent;
    }

    long lifetimeNanos(long nowMillis) {
      long millis = rolling != null ? rollingMillis + rollingMillis / SlidingWindow.SLOTS + 1_000
          : Math.max(1_000, endMillis - nowMillis + 60_000);
      return TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

  private static final class Key {
    private final BudgetPolicy policy;
    private final String scopeValue;
    private final long windowStartMillis;

    Key(BudgetPolicy policy, String scopeValue, long windowStartMillis) {
      this.policy = policy;
      this.scopeValue = scopeValue;
      this.windowStartMillis = windowStartMillis;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return windowStartMillis == k.windowStartMillis && policy.name().equals(k.policy.name())
          && Objects.equals(scopeValue, k.scopeValue);
    }

    @Override
    public int hashCode() {
      return Objects.hash(policy.name(), scopeValue, windowStartMillis);
    }
  }
}
