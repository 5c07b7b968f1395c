package dev.tollgate.it;

import static dev.tollgate.it.HtmlReportAppTest.HOSTILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.HeadlessChromium;
import dev.tollgate.it.support.ItEnv;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The report's gateway panels, as the Grafana board "Cache, rate limits and budgets" shows them:
 * the jdk-httpclient app's team-limits scenario runs under a blocking per-user budget
 * ({@code tollgate.budget.demo=0.000001;mode=block;s=user}), an alert-only daily budget and
 * alice's own {@code Helicone-RateLimit-Policy} of one call a minute. Everyone's first priced call
 * spends their share (three alerts each), their next call is refused by the budget, alice's by
 * her rate limit. After the JVM exited the page's budgets, refusals, alerts and provider
 * headroom are the exported spans' numbers, the hostile user id is data only, and chromium draws
 * the new panels.
 */
class HtmlReportGatewayTest extends ItBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"tollgate-data\">(.*?)</script>", Pattern.DOTALL);
  private static final int CALLS = 9;

  record Run(AppRun app, Path report, String html, JsonNode data, List<ReceivedSpan> spans) {}

  private static Run run;

  static synchronized Run run() throws Exception {
    if (run == null) {
      Path report = ItEnv.buildDir().resolve("it-reports").resolve(ItEnv.jdkLabel()).resolve("team-limits.html");
      Files.createDirectories(report.getParent());
      Files.deleteIfExists(report);
      ProviderRun provider = againstFakeProvider(AppRunner.launch(SampleApp.jdkHttpClient(), "team-limits")
          .withAgent(true).testName("HtmlReportGatewayTest")
          .sysProp("tollgate.report", report.toString())
          .sysProp("tollgate.report.interval", "0")
          .sysProp("tollgate.budget.demo", "0.000001;mode=block;s=user")
          .sysProp("tollgate.budget.daily", "1")
          .env("EXTRA_USER_ID", HOSTILE));
      AppRun app = provider.app();
      assertExitedCleanly(app);
      assertThat(provider.requests()).as("the provider saw the five admitted calls\n" + app.describe()).hasSize(5);
      assertThat(report).as("the report after the app exited\n" + app.describe()).exists();
      String html = Files.readString(report, StandardCharsets.UTF_8);
      Matcher m = DATA.matcher(html);
      assertThat(m.find()).as("the embedded data in " + report).isTrue();
      List<ReceivedSpan> spans = awaitSpans(app, CALLS);
      assertThat(spans).as("one span per call").hasSize(CALLS);
      run = new Run(app, report, html, JSON.readTree(m.group(1)), spans);
    }
    return run;
  }

  @Test
  void theBudgetsBurnIsTheSpansCost() throws Exception {
    Run r = run();
    Map<String, Double> costByUser = new HashMap<>();
    double total = 0;
    for (ReceivedSpan s : r.spans()) {
      Double c = s.attrs().dbl("tollgate.cost.usd");
      if (c != null && c > 0) {
        costByUser.merge(s.attrs().str("user.id"), c, Double::sum);
        total += c;
      }
    }
    JsonNode budgets = r.data().get("budgets");
    assertThat(budgets).as("both budgets, in configuration order").hasSize(2);
    JsonNode daily = budget(budgets, "daily");
    JsonNode demo = budget(budgets, "demo");
    assertThat(daily.get("mode").asText()).isEqualTo("alert");
    assertThat(daily.get("window").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\(Z\\)");
    assertThat(daily.get("spenders")).hasSize(1);
    assertThat(daily.get("spenders").get(0).get("spent").asDouble()).as("the daily budget = every priced call")
        .isCloseTo(total, within(1e-12));
    assertThat(demo.get("mode").asText()).isEqualTo("block");
    assertThat(demo.get("scope").asText()).isEqualTo("user");
    assertThat(demo.get("amount").asDouble()).isEqualTo(0.000001);
    Map<String, Double> spent = new HashMap<>();
    demo.get("spenders").forEach(s -> spent.put(s.get("value").asText(), s.get("spent").asDouble()));
    assertThat(spent.keySet()).as("who spent from the per-user budget")
        .containsExactlyInAnyOrder("alice", "bob", "carol", HOSTILE);
    costByUser.forEach((user, cost) -> assertThat(spent.get(user)).as(user).isCloseTo(cost, within(1e-12)));
    assertThat(spent.values()).as("each one spent at least the amount").allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0.000001));
  }

  @Test
  void theRefusalsAndAlertsAreTheSpans() throws Exception {
    Run r = run();
    Map<String, Integer> blocked = new HashMap<>();
    int alertEvents = 0;
    List<String> alertNames = new ArrayList<>();
    for (ReceivedSpan s : r.spans()) {
      String by = s.attrs().str("tollgate.blocked_by");
      if (by != null) {
        blocked.merge(by, 1, Integer::sum);
      }
      alertEvents += (int) s.span().getEventsList().stream().filter(e -> e.getName().equals("tollgate.alert")).count();
    }
    assertThat(blocked).as("refusals on the spans").containsExactlyInAnyOrderEntriesOf(
        Map.of("budget:demo", 3, "ratelimit:header", 1));
    JsonNode refusals = r.data().get("refusals");
    assertThat(refusals.get("total").asLong()).isEqualTo(4);
    Map<String, Integer> inReport = new HashMap<>();
    refusals.get("reasons").forEach(n -> inReport.put(n.get("reason").asText(), n.get("count").asInt()));
    assertThat(inReport).isEqualTo(blocked);
    long refusedInSeries = 0;
    for (JsonNode b : r.data().get("series")) {
      refusedInSeries += b.get("refused").asLong();
    }
    assertThat(refusedInSeries).as("refusals over time").isEqualTo(4);

    JsonNode alerts = r.data().get("alerts");
    assertThat(alertEvents).as("alerts on the spans: 50, 80 and 100 % for each of four users").isEqualTo(12);
    assertThat(alerts.get("total").asLong()).isEqualTo(alertEvents);
    assertThat(alerts.get("last")).hasSize(12);
    alerts.get("last").forEach(a -> alertNames.add(a.get("kind").asText() + "/" + a.get("name").asText()));
    assertThat(alertNames).containsOnly("budget/demo");
    assertThat(alerts.get("last").findValuesAsText("message")).as("the hostile user's alerts")
        .filteredOn(m -> m.endsWith(" for user " + HOSTILE)).hasSize(3);
  }

  @Test
  void theProviderHeadroomIsTheLastReportPerModel() throws Exception {
    Run r = run();
    Map<String, ReceivedSpan> lastReport = new HashMap<>();
    for (ReceivedSpan s : r.spans()) { // by start
      if (s.attrs().lng("tollgate.ratelimit.remaining_requests") != null && s.attrs().str("tollgate.blocked_by") == null) {
        lastReport.put(s.attrs().str("gen_ai.provider.name") + " " + s.attrs().str("gen_ai.request.model"), s);
      }
    }
    assertThat(lastReport).as("the recorded answers carry x-ratelimit-* headers").containsKey("openai gpt-4o-mini");
    JsonNode rows = r.data().get("headroom").get("rows");
    Map<String, JsonNode> byModel = new HashMap<>();
    rows.forEach(n -> byModel.put(n.get("provider").asText() + " " + n.get("model").asText(), n));
    assertThat(byModel.keySet()).containsExactlyInAnyOrderElementsOf(lastReport.keySet());
    lastReport.forEach((key, span) -> {
      JsonNode row = byModel.get(key);
      allOf(
          () -> assertThat(row.get("limitRequests").asLong()).isEqualTo(span.attrs().lng("tollgate.ratelimit.limit_requests")),
          () -> assertThat(row.get("remainingRequests").asLong())
              .isEqualTo(span.attrs().lng("tollgate.ratelimit.remaining_requests")),
          () -> assertThat(row.get("limitTokens").asLong()).isEqualTo(span.attrs().lng("tollgate.ratelimit.limit_tokens")),
          () -> assertThat(row.get("remainingTokens").asLong())
              .isEqualTo(span.attrs().lng("tollgate.ratelimit.remaining_tokens")));
    });
  }

  @Test
  void chromiumDrawsTheGatewayPanelsAndTheHostileUserStaysText() throws Exception {
    Run r = run();
    assertThat(r.html()).as("raw page").doesNotContain(HOSTILE).doesNotContain("<img");
    HeadlessChromium.binary(); // installs it through scripts/install-test-deps.sh when missing

    HeadlessChromium.Result dom = HeadlessChromium.dumpDom(r.report());
    assertThat(dom.exitCode()).as(dom.describe()).isZero();
    String html = dom.stdout();
    assertThat(html).as("the script ran to its end\n" + dom.describe()).contains("data-rendered=\"true\"");
    Set<String> drawn = new TreeSet<>();
    Matcher svg = Pattern.compile("<svg class=\"tg-chart\" data-panel=\"([a-z-]+)\"").matcher(html);
    while (svg.find()) {
      drawn.add(svg.group(1));
    }
    assertThat(drawn).as("panels drawn as SVG by the page's script")
        .contains("budgets", "refusals", "provider-headroom", "requests-over-time", "cost-by-user");
    assertThat(html).contains("id=\"refusals-table\"").contains("id=\"alerts-table\"");
    assertThat(html).as("the refusal reasons and the alerts are in the page")
        .contains(">budget:demo<").contains(">ratelimit:header<").contains("reached 100%");
    assertThat(html).as("the hostile user id is shown as text")
        .contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    assertThat(html).as("no element was injected").doesNotContain("<img");

    Path png = r.report().resolveSibling("team-limits.png");
    Files.deleteIfExists(png);
    HeadlessChromium.Result shot = HeadlessChromium.screenshot(r.report(), png, 1400, 3000);
    assertThat(shot.exitCode()).as(shot.describe()).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    // the budget panel's red "spent" bars: the budgets are drawn, not only listed
    long red = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        if (Math.abs(((rgb >> 16) & 0xff) - 0xdc) < 8 && Math.abs(((rgb >> 8) & 0xff) - 0x26) < 8
            && Math.abs((rgb & 0xff) - 0x26) < 8) {
          red++;
        }
      }
    }
    assertThat(red).as("red (spent budget, refused) pixels in " + png).isGreaterThan(5_000);
  }

  private static JsonNode budget(JsonNode budgets, String name) {
    for (JsonNode b : budgets) {
      if (b.get("name").asText().equals(name)) {
        return b;
      }
    }
    throw new AssertionError("no budget " + name + " in " + budgets);
  }
}
