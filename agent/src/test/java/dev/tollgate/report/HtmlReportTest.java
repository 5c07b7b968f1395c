package dev.tollgate.report;

import dev.tollgate.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.limit.BudgetPolicy;
import dev.tollgate.limit.Budgets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  private static final long T0 = 1_735_689_600_000L;

  @TempDir
  Path dir;

  @Test
  void writesOneSelfContainedPageAtomically() throws Exception {
    Path file = dir.resolve("reports/today.html");
    HtmlReport report = new HtmlReport(new ReportCollector(new ManualClock(T0)), file, 0, "svc");
    report.record(Calls.call(T0, "gpt-4o-mini", ReportCollectorTest.HOSTILE, 0.0000051, 322));
    report.write();
    report.write(); // over an existing page

    assertThat(file).exists();
    String html = Files.readString(file);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"tollgate-data\"")
        .doesNotContain(HtmlReport.DATA_MARKER).contains("\"requests\":1").contains("5.1E-6");
    assertThat(html.replace("\"http://www.w3.org/2000/svg\"", "SVG_NAMESPACE"))
        .as("no network: nothing is loaded from anywhere (the SVG namespace is a name, not a load)")
        .doesNotContain("http://")
        .doesNotContain("https://").doesNotContain("src=\"").doesNotContain("<link");
    assertThat(html).as("the hostile user id appears only escaped").doesNotContain("<img")
        .doesNotContain(ReportCollectorTest.HOSTILE);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("today.html");
    }
  }

  @Test
  void theBudgetsAreReadAtEachWriteAndAHostileScopeValueStaysData() throws Exception {
    ManualClock clock = new ManualClock(T0);
    Budgets budgets = new Budgets(List.of(BudgetPolicy.parse("per-user", "0.000001;s=user;mode=block")), clock);
    Path file = dir.resolve("budgets.html");
    HtmlReport report = new HtmlReport(new ReportCollector(clock), file, 0, null);
    report.showBudgets(() -> budgets);
    report.write();
    assertThat(Files.readString(file)).contains("\"name\":\"per-user\"").contains("\"spenders\":[]");

    budgets.spend(name -> ReportCollectorTest.HOSTILE, 0.000002);
    report.write();
    String html = Files.readString(file);
    assertThat(html).as("the spend as of this write")
        .contains("{\"value\":\"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e\",\"spent\":2.0E-6}")
        .doesNotContain(ReportCollectorTest.HOSTILE).doesNotContain("<img");
  }

  @Test
  void budgetsThatCannotBeReadLeaveThePageWithoutThem() throws Exception {
    Path file = dir.resolve("no-budgets.html");
    HtmlReport report = new HtmlReport(new ReportCollector(new ManualClock(T0)), file, 0, null);
    report.showBudgets(() -> {
      throw new IllegalStateException("not ready");
    });
    report.write();
    assertThat(Files.readString(file)).contains("\"budgets\":null");
  }

  @Test
  void onlyWhenConfigured() {
    assertThat(HtmlReport.fromConfig(TollgateConfig.of(Map.of()))).isNull();
    HtmlReport report = HtmlReport.fromConfig(TollgateConfig.of(Map.of("tollgate.report", dir.resolve("r.html").toString())));
    assertThat(report).isNotNull();
    assertThat(report.file()).isEqualTo(dir.resolve("r.html").toAbsolutePath());
  }

  @Test
  void intervalDefaultsToFiveMinutesAndZeroMeansAtExitOnly() {
    assertThat(TollgateConfig.of(Map.of()).reportIntervalMillis()).isEqualTo(300_000);
    assertThat(TollgateConfig.of(Map.of("tollgate.report.interval", "0")).reportIntervalMillis()).isZero();
    assertThat(TollgateConfig.of(Map.of("tollgate.report.interval", "30s")).reportIntervalMillis()).isEqualTo(30_000);
  }

  @Test
  void theIntervalWriterRewritesThePageWhileTheAppRuns() throws Exception {
    Path file = dir.resolve("live.html");
    HtmlReport report = new HtmlReport(new ReportCollector(new ManualClock(T0)), file, 50, null);
    report.record(Calls.call(T0, "gpt-4o-mini", "alice", 0.001, 100));
    try {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!Files.exists(file) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(file).as("written by the interval thread, with no exit").exists();
      assertThat(Files.readString(file)).contains("\"requests\":1");
    } finally {
      report.stopIntervalWriter(); // before the temporary folder goes
    }
  }
}
