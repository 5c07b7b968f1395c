package dev.tollgate.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.it.support.AppRun;
import dev.tollgate.it.support.AppRunner;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.HeadlessChromium;
import dev.tollgate.it.support.ItEnv;
import dev.tollgate.it.support.ReceivedSpan;
import dev.tollgate.it.support.SampleApp;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dtollgate.report=<file.html>}: the jdk-httpclient app's team-day scenario (four users,
 * three models, a stream, a cache hit, a 503) runs under the agent; after the JVM exited the page
 * exists, its embedded numbers are the exported spans' numbers, a hostile user id and property
 * value are only ever text, and Debian's chromium renders it offline with every chart drawn.
 */
class HtmlReportAppTest extends ItBase {
  static final String HOSTILE = "</script><img src=x onerror=alert(1)>";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATA = Pattern.compile(
      "<script type=\"application/json\" id=\"tollgate-data\">(.*?)</script>", Pattern.DOTALL);
  /** The panels the page's script draws an SVG for when there is data. */
  static final List<String> PANELS = List.of("cost-over-time", "requests-over-time", "cost-by-user", "cost-by-property",
      "tokens-by-model", "latency-by-model", "cache", "first-chunk");

  record ReportRun(AppRun app, Path report, String html, JsonNode data) {}

  private static ReportRun reportRun;

  /** One app run shared by the tests of this class. */
  static synchronized ReportRun reportRun() throws Exception {
    if (reportRun == null) {
      Path report = ItEnv.buildDir().resolve("it-reports").resolve(ItEnv.jdkLabel()).resolve("team-day.html");
      Files.createDirectories(report.getParent());
      Files.deleteIfExists(report);
      AppRun run;
      try (FakeProvider provider = FakeProvider.start()) {
        provider.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(1)
            .withRequestBody(containing("Heard Island"))
            .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\"}}")));
        run = AppRunner.launch(SampleApp.jdkHttpClient(), "team-day").withAgent(true).testName("HtmlReportAppTest")
            .baseUrl(provider.baseUrl())
            .sysProp("tollgate.report", report.toString())
            .sysProp("tollgate.report.interval", "0")
            .sysProp("tollgate.properties.team", HOSTILE)
            .env("EXTRA_USER_ID", HOSTILE)
            .run();
      }
      assertExitedCleanly(run);
      assertThat(report).as("the report after the app exited\n" + run.describe()).exists();
      String html = Files.readString(report, StandardCharsets.UTF_8);
      Matcher m = DATA.matcher(html);
      assertThat(m.find()).as("the embedded data in " + report).isTrue();
      reportRun = new ReportRun(run, report, html, JSON.readTree(m.group(1)));
    }
    return reportRun;
  }

  @Test
  void theReportHasTheCallsNumbers() throws Exception {
    ReportRun r = reportRun();
    assertThat(r.app().stdout()).contains("status=503");
    List<ReceivedSpan> spans = awaitSpans(r.app(), 7);
    assertThat(spans).as("one span per call").hasSize(7);
    double spanCost = spans.stream().mapToDouble(s -> {
      Double c = s.attrs().dbl("tollgate.cost.usd");
      return c == null ? 0 : c;
    }).sum();
    long spanInput = spans.stream().mapToLong(s -> orZero(s.attrs().lng("gen_ai.usage.input_tokens"))).sum();
    long spanOutput = spans.stream().mapToLong(s -> orZero(s.attrs().lng("gen_ai.usage.output_tokens"))).sum();
    double saved = spans.stream().mapToDouble(s -> {
      Double c = s.attrs().dbl("tollgate.cache.saved_usd");
      return c == null ? 0 : c;
    }).sum();

    double maxCost = spans.stream().mapToDouble(s -> {
      Double c = s.attrs().dbl("tollgate.cost.usd");
      return c == null ? 0 : c;
    }).max().orElse(0);

    JsonNode t = r.data().get("totals");
    allOf(
        () -> assertThat(t.get("requests").asLong()).as("requests").isEqualTo(7),
        () -> assertThat(t.get("errors").asLong()).as("errors (the 503)").isEqualTo(1),
        () -> assertThat(spanCost).as("the spans are priced (harness sanity)").isPositive(),
        () -> assertThat(t.get("cost").asDouble()).as("cost = the spans' tollgate.cost.usd").isCloseTo(spanCost, within(1e-12)),
        () -> assertThat(t.get("inputTokens").asLong()).as("input tokens").isEqualTo(spanInput),
        () -> assertThat(t.get("outputTokens").asLong()).as("output tokens").isEqualTo(spanOutput),
        () -> assertThat(t.get("cacheHits").asLong()).as("cache hits").isEqualTo(1),
        () -> assertThat(t.get("cacheMisses").asLong()).as("cache misses").isEqualTo(1),
        () -> assertThat(t.get("saved").asDouble()).as("saved = the hit's saved_usd").isCloseTo(saved, within(1e-12)),
        () -> assertThat(saved).as("a hit saves money").isPositive(),
        () -> assertThat(t.get("firstChunk").get("count").asLong()).as("streams with a first chunk").isEqualTo(1),
        () -> assertThat(keys(r.data().get("models"))).as("models").containsExactlyInAnyOrder(
            "gpt-4o", "gpt-4o-mini", "text-embedding-3-small"),
        () -> assertThat(keys(r.data().get("users"))).as("users").containsExactlyInAnyOrder(
            "alice", "bob", "carol", HOSTILE),
        () -> assertThat(r.data().get("mostExpensive").get(0).get("cost").asDouble()).as("the most expensive call")
            .isEqualTo(maxCost),
        () -> assertThat(r.data().get("mostExpensive")).as("the priced calls, as many as cost something")
            .hasSize((int) spans.stream().filter(s -> s.attrs().dbl("tollgate.cost.usd") != null
                && s.attrs().dbl("tollgate.cost.usd") > 0).count()),
        () -> assertThat(r.data().get("service").asText()).isEqualTo("HtmlReportAppTest"));
    JsonNode feature = null;
    for (JsonNode p : r.data().get("properties")) {
      if (p.get("name").asText().equals("Feature")) {
        feature = p;
      }
    }
    assertThat(feature).as("the Feature property in " + r.data().get("properties")).isNotNull();
    assertThat(keys(feature.get("rows"))).containsExactlyInAnyOrder("search", "summarize", "index");
    assertThat(r.html()).as("the API key is nowhere in the report").doesNotContain(r.app().apiKey());
  }

  @Test
  void hostileNamesAreTextNotMarkup() throws Exception {
    ReportRun r = reportRun();
    assertThat(r.html()).as("raw page").doesNotContain(HOSTILE).doesNotContain("<img");
    assertThat(r.html()).contains("\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e");
  }

  @Test
  void chromiumRendersEveryChartOffline() throws Exception {
    ReportRun r = reportRun();
    HeadlessChromium.binary(); // installs it through scripts/install-test-deps.sh when missing

    HeadlessChromium.Result dom = HeadlessChromium.dumpDom(r.report());
    assertThat(dom.exitCode()).as(dom.describe()).isZero();
    String html = dom.stdout();
    assertThat(html).as("the script ran to its end\n" + dom.describe()).contains("data-rendered=\"true\"");
    Set<String> drawn = new TreeSet<>();
    Matcher svg = Pattern.compile("<svg class=\"tg-chart\" data-panel=\"([a-z-]+)\"").matcher(html);
    int charts = 0;
    while (svg.find()) {
      drawn.add(svg.group(1));
      charts++;
    }
    assertThat(drawn).as("panels drawn as SVG by the page's script").containsAll(PANELS);
    assertThat(charts).as("SVG charts (one per property name for cost-by-property, and the cache's two)")
        .isGreaterThanOrEqualTo(PANELS.size() + 2);
    assertThat(count(html, "<rect")).as("bars drawn").isGreaterThan(20);
    assertThat(html).as("the most expensive calls' table").contains("id=\"most-expensive-table\"");
    assertThat(html).as("the hostile user id is shown as text").contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    assertThat(html).as("no element was injected").doesNotContain("<img");

    Path png = r.report().resolveSibling("team-day.png");
    Files.deleteIfExists(png);
    HeadlessChromium.Result shot = HeadlessChromium.screenshot(r.report(), png, 1400, 2200);
    assertThat(shot.exitCode()).as(shot.describe()).isZero();
    assertThat(png).as("the screenshot\n" + shot.describe()).exists();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1400);
    long nonWhite = 0;
    long colourful = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int red = (rgb >> 16) & 0xff;
        int green = (rgb >> 8) & 0xff;
        int blue = rgb & 0xff;
        if (red < 235 || green < 235 || blue < 235) {
          nonWhite++;
        }
        if (Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue)) > 80) {
          colourful++;
        }
      }
    }
    long pixels = (long) image.getWidth() * image.getHeight();
    assertThat(nonWhite).as("non-white pixels of " + pixels + " in " + png).isGreaterThan(pixels / 20);
    assertThat(colourful).as("saturated (chart-coloured) pixels of " + pixels + " in " + png).isGreaterThan(pixels / 200);
  }

  @Test
  void anAppWithoutLlmCallsStillGetsAnEmptyReport() throws Exception {
    Path report = ItEnv.buildDir().resolve("it-reports").resolve(ItEnv.jdkLabel()).resolve("non-llm.html");
    Files.createDirectories(report.getParent());
    Files.deleteIfExists(report);
    ProviderRun run = againstFakeProvider(AppRunner.launch(SampleApp.jdkHttpClient(), "non-llm").withAgent(true)
        .testName("HtmlReportAppTest-non-llm").sysProp("tollgate.report", report.toString()));
    assertExitedCleanly(run.app());
    assertThat(report).as("written at exit\n" + run.app().describe()).exists();
    Matcher m = DATA.matcher(Files.readString(report, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    assertThat(JSON.readTree(m.group(1)).get("totals").get("requests").asLong()).isZero();
  }

  private static List<String> keys(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(row -> out.add(row.has("other") ? "(other)" : row.get("key").asText()));
    return out;
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
