package dev.tollgate.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopTableTest {

  private static CallFacts costing(double usd) {
    return new CallFacts(0, "m", "openai", null, Map.of(), usd, 10, 2, 0, null, 0, 100, -1, 200, null);
  }

  @Test
  void aNewKeyBeyondCapacityPushesTheCheapestIntoOther() {
    TopTable table = new TopTable(3, false);
    table.add("a", costing(5));
    table.add("b", costing(3));
    table.add("c", costing(1));
    table.add("d", costing(2)); // full: c (cheapest) moves into other

    assertThat(table.size()).isEqualTo(3);
    assertThat(table.pushedOut()).isEqualTo(1);
    List<TopTable.Row> rows = table.top(2);
    assertThat(rows).extracting(TopTable.Row::key).containsExactly("a", "b", null);
    TopTable.Row other = rows.get(2);
    assertThat(other.totals().costUsd).isEqualTo(3.0); // c 1 + d 2
    assertThat(other.totals().requests).isEqualTo(2);
  }

  @Test
  void aKeyThatKeepsSpendingStaysWhileOneOffsComeAndGo() {
    TopTable table = new TopTable(5, false);
    for (int i = 0; i < 1_000; i++) {
      table.add("big-spender", costing(1));
      table.add("one-off-" + i, costing(0.001));
    }
    assertThat(table.size()).isEqualTo(5);
    List<TopTable.Row> rows = table.top(3);
    assertThat(rows.get(0).key()).isEqualTo("big-spender");
    assertThat(rows.get(0).totals().requests).isEqualTo(1_000);
    long requests = rows.stream().mapToLong(r -> r.totals().requests).sum();
    assertThat(requests).as("every call is in some row").isEqualTo(2_000);
    assertThat(rows.get(rows.size() - 1).key()).as("the last row is other").isNull();
  }

  @Test
  void noOtherRowWhenEverythingFits() {
    TopTable table = new TopTable(10, true);
    table.add("x", costing(1));
    table.add("y", costing(2));
    assertThat(table.top(10)).extracting(TopTable.Row::key).containsExactly("y", "x");
  }

  @Test
  void equalCostsAreOrderedByRequestsThenName() {
    TopTable table = new TopTable(10, false);
    table.add("b", costing(0));
    table.add("a", costing(0));
    table.add("c", costing(0));
    table.add("c", costing(0));
    assertThat(table.top(10)).extracting(TopTable.Row::key).containsExactly("c", "a", "b");
  }
}
