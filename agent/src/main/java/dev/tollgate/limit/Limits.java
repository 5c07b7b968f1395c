package dev.tollgate.limit;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Admission for one call against every rate limit and blocking budget, and what the call
 * spent once it is priced: the "RateLimit/Budget" stage of the pipeline, before the cache.
 *
 * <p>Order: the call's own {@code RateLimit-Policy} first, then the configured
 * {@code tollgate.ratelimit.<name>} policies by name, then the {@code block} budgets. The first
 * refusal answers the call; the {@code request} units that earlier policies reserved for it
 * stay counted (the safe side: a refused call may use up a unit of another policy).
 */
public final class Limits {
  private final List<RateLimitPolicy> named;
  private final RateLimiter limiter;
  private final Budgets budgets;
  private final boolean blockingBudgets;

  public Limits(List<RateLimitPolicy> named, List<BudgetPolicy> budgets, Ticker ticker, Clock clock) {
    this.named = List.copyOf(named);
    this.limiter = new RateLimiter(ticker);
    this.budgets = new Budgets(budgets, clock);
    this.blockingBudgets = BudgetPolicy.anyBlocks(budgets);
  }

  public Budgets budgets() {
    return budgets;
  }

  /**
   * Admits a call or refuses it.
   *
   * @param own the call's {@code RateLimit-Policy}, or null
   * @param values the call's value for {@code user}, {@code model} or a property name (null when it has none)
   */
  public Verdict admit(RateLimitPolicy own, Function<String, String> values) {
    List<Charge> charges = new ArrayList<>(0);
    RateLimiter.Admission tightest = null;
    List<RateLimitPolicy> policies = own == null ? named : prepend(own, named);
    for (RateLimitPolicy p : policies) {
      String segmentValue = p.segment() == null ? null : values.apply(p.segment());
      RateLimiter.Admission a = limiter.admit(p, segmentValue);
      if (!a.allowed()) {
        return new Verdict("ratelimit:" + p.name(), a, charges);
      }
      if (p.unit() == RateLimitPolicy.Unit.CENTS) {
        charges.add(new Charge(p, segmentValue));
      }
      if (tightest == null || a.remaining() < tightest.remaining()) {
        tightest = a;
      }
    }
    BudgetPolicy spent = blockingBudgets ? budgets.exhausted(values) : null;
    if (spent != null) {
      return new Verdict("budget:" + spent.name(), tightest, charges);
    }
    return new Verdict(null, tightest, charges);
  }

  /**
   * A priced call's cost, counted against its {@code cents} rate limits and every budget.
   *
   * @param verdict the call's admission, or null when it had none
   * @return the budget thresholds this call crossed
   */
  public List<Budgets.Crossing> spend(Verdict verdict, Function<String, String> values, double usd) {
    if (verdict != null) {
      for (Charge c : verdict.charges) {
        limiter.charge(c.policy, c.segmentValue, usd);
      }
    }
    return budgets.spend(values, usd);
  }

  private static List<RateLimitPolicy> prepend(RateLimitPolicy first, List<RateLimitPolicy> rest) {
    List<RateLimitPolicy> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** The outcome of {@link #admit}. */
  public static final class Verdict {
    private final String refusedBy;
    private final RateLimiter.Admission reported;
    private final List<Charge> charges;

    Verdict(String refusedBy, RateLimiter.Admission reported, List<Charge> charges) {
      this.refusedBy = refusedBy;
      this.reported = reported;
      this.charges = charges;
    }

    /** {@code ratelimit:<policy>} or {@code budget:<name>} when refused; null when admitted. */
    public String refusedBy() {
      return refusedBy;
    }

    /** True when an admitted call's cost is counted against a {@code cents} rate limit. */
    public boolean chargesCost() {
      return !charges.isEmpty();
    }

    /**
     * The rate limit the response headers report: the refusing one, else the one with the
     * fewest units left; null when no rate limit applied.
     */
    public RateLimiter.Admission reported() {
      return reported;
    }
  }

  private static final class Charge {
    final RateLimitPolicy policy;
    final String segmentValue;

    Charge(RateLimitPolicy policy, String segmentValue) {
      this.policy = policy;
      this.segmentValue = segmentValue;
    }
  }
}
