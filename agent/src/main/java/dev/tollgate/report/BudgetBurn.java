package dev.tollgate.report;

import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.Budgets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each configured budget's burn in its current window, read from {@link Budgets} when the page
 * is written (not fed per call: the budgets already keep the numbers, per scope value and
 * window, and are thread-safe). A global budget is one row; a scoped one shows its
 * {@value #SPENDERS_SHOWN} biggest spenders, and says when there are more.
 */
final class BudgetBurn {
  static final int SPENDERS_SHOWN = 10;

  /** One budget as the page shows it. */
  record Budget(String name, double amountUsd, String mode, String window, String scope, List<Spender> spenders,
      boolean moreSpenders) {}

  /** One scope value's spend (scope value null: the global budget, or calls without a value). */
  record Spender(String scopeValue, double spentUsd) {}

  private BudgetBurn() {}

  static List<Budget> read(Budgets budgets) {
    Map<String, List<Spender>> byName = new LinkedHashMap<>();
    for (BudgetPolicy p : budgets.policies()) {
      byName.put(p.name(), new ArrayList<>());
    }
    // readings come per budget, biggest spender first; one more than shown says "there are more"
    for (Budgets.Reading r : budgets.readings(SPENDERS_SHOWN + 1)) {
      List<Spender> list = byName.get(r.policy().name());
      if (list != null) {
        list.add(new Spender(r.scopeValue(), r.spentUsd()));
      }
    }
    List<Budget> out = new ArrayList<>(byName.size());
    for (BudgetPolicy p : budgets.policies()) {
      List<Spender> spenders = byName.get(p.name());
      boolean more = spenders.size() > SPENDERS_SHOWN;
      out.add(new Budget(p.name(), p.limitUsd(), p.mode().name().toLowerCase(Locale.ROOT), budgets.windowLabel(p),
          p.scope(), List.copyOf(more ? spenders.subList(0, SPENDERS_SHOWN) : spenders), more));
    }
    return out;
  }

  static void json(StringBuilder out, List<Budget> budgets) {
    out.append('[');
    for (Budget b : budgets) {
      out.append('{');
      ReportJson.field(out, "name", b.name());
      ReportJson.field(out, "amount", b.amountUsd());
      ReportJson.field(out, "mode", b.mode());
      ReportJson.field(out, "window", b.window());
      ReportJson.field(out, "scope", b.scope());
      ReportJson.field(out, "more", b.moreSpenders());
      ReportJson.name(out, "spenders");
      out.append('[');
      for (Spender s : b.spenders()) {
        out.append('{');
        ReportJson.field(out, "value", s.scopeValue());
        ReportJson.field(out, "spent", s.spentUsd());
        ReportJson.close(out, '}');
        out.append(',');
      }
      ReportJson.close(out, ']');
      out.append('}');
      out.append(',');
    }
    ReportJson.close(out, ']');
  }
}
