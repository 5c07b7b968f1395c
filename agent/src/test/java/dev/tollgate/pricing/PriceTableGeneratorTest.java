package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableGeneratorTest {
  private static final String FIXTURE = "/dev/tollgate/pricing/litellm-fixture.json";

  private static final List<String> KEPT = List.of(
      "azure/codex-mini", "babbage-002", "claude-sonnet-4-5", "fireworks-ai-up-to-4b",
      "gemini/gemini-2.5-flash", "gpt-4o-mini", "mistral/mistral-embed",
      "odd \"quoted\" key \u00e9", "zai/glm-free", "zz-last-chat");

  private static Path fixture(Path dir) throws IOException {
    Path file = dir.resolve("source.json");
    try (InputStream in = PriceTableGeneratorTest.class.getResourceAsStream(FIXTURE)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static PriceTable parse(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return PriceTable.parse(in);
    }
  }

  private static String generate(String json) throws IOException {
    StringWriter out = new StringWriter();
    PriceTableGenerator.generate(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out);
    return out.toString();
  }

  @Test
  void keepsTokenPricedChatCompletionResponsesAndEmbeddingModelsOnly(@TempDir Path dir)
      throws IOException {
    Path output = dir.resolve("new/dir/model_prices.json");

    PriceTableGenerator.main(new String[] {fixture(dir).toString(), output.toString()});

    PriceTable generated = parse(output);
    assertThat(generated.keys()).containsExactlyInAnyOrderElementsOf(KEPT);
  }

  @Test
  void theOutputParsesBackToTheSamePricesAsTheSource(@TempDir Path dir) throws IOException {
    Path source = fixture(dir);
    Path output = dir.resolve("model_prices.json");

    PriceTableGenerator.main(new String[] {source.toString(), output.toString()});

    PriceTable fromSource = parse(source);
    PriceTable generated = parse(output);
    for (String key : KEPT) {
      assertThat(generated.find(key)).as(key).isEqualTo(fromSource.find(key));
    }
    assertThat(generated.find("gemini/gemini-2.5-flash"))
        .isEqualTo(new ModelPrice("gemini/gemini-2.5-flash", "gemini", "chat", 3e-07, 2.5e-06,
            3e-08, null, 2.5e-06));
  }

  @Test
  void writesSortedKeysOneEntryPerLineWithOnlyTheKnownFieldsAndSourceNumbers(
      @TempDir Path dir) throws IOException {
    Path output = dir.resolve("model_prices.json");

    PriceTableGenerator.main(new String[] {fixture(dir).toString(), output.toString()});

    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(KEPT.size() + 2);
    assertThat(lines.get(0)).isEqualTo("{");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("}");
    List<String> entries = lines.subList(1, lines.size() - 1);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String line = entries.get(i);
      assertThat(line).startsWith("  \"").endsWith(i < entries.size() - 1 ? "}," : "}");
      keys.add(PriceTableTest.parse("{" + line.replaceAll(",$", "") + "}").keys()
          .iterator().next());
    }
    assertThat(keys).containsExactlyElementsOf(KEPT).isSorted();
    assertThat(entries.get(KEPT.indexOf("gpt-4o-mini"))).isEqualTo("  \"gpt-4o-mini\": {"
        + "\"litellm_provider\": \"openai\", \"mode\": \"chat\", "
        + "\"input_cost_per_token\": 1.5e-07, \"output_cost_per_token\": 6e-07, "
        + "\"cache_read_input_token_cost\": 7.5e-08},");
    assertThat(entries.get(KEPT.indexOf("claude-sonnet-4-5"))).endsWith(
        "\"cache_creation_input_token_cost\": 3.75e-06, "
            + "\"cache_creation_input_token_cost_above_1hr\": 6e-06},");
    assertThat(entries.get(KEPT.indexOf("zai/glm-free"))).contains(
        "\"input_cost_per_token\": 0, \"output_cost_per_token\": 0, "
            + "\"cache_creation_input_token_cost\": 0}");
    assertThat(entries.get(KEPT.indexOf("odd \"quoted\" key \u00e9")))
        .startsWith("  \"odd \\\"quoted\\\" key \u00e9\": {");
  }

  @Test
  void regeneratingFromTheOutputChangesNothing(@TempDir Path dir) throws IOException {
    Path once = dir.resolve("once.json");
    Path twice = dir.resolve("twice.json");

    PriceTableGenerator.main(new String[] {fixture(dir).toString(), once.toString()});
    PriceTableGenerator.main(new String[] {once.toString(), twice.toString()});

    assertThat(Files.readString(twice)).isEqualTo(Files.readString(once));
  }

  @Test
  void refusesASourceThatIsNotAPriceTable() {
    assertThatThrownBy(() -> generate("{\"a\": ")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> generate("[]")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> generate("{\"sample_spec\": {\"mode\": \"chat\", "
        + "\"input_cost_per_token\": 0, \"output_cost_per_token\": 0}, "
        + "\"dall-e\": {\"mode\": \"image_generation\"}}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no chat, completion, responses or embedding model");
  }

  @Test
  void theCommittedBundledTableIsUpToDateWithTheSource() throws IOException {
    Path source = PriceTableTest.SOURCE;
    assertThat(Files.isRegularFile(source)).as("the price table's source, kept at %s", source.toAbsolutePath()).isTrue();
    StringWriter regenerated = new StringWriter();
    try (InputStream in = Files.newInputStream(source)) {
      PriceTableGenerator.generate(in, regenerated);
    }
    String bundled;
    try (InputStream in = PriceTable.class.getResourceAsStream(PriceTable.BUNDLED_RESOURCE)) {
      bundled = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(bundled)
        .as("model_prices.json is stale: run scripts/regenerate-prices.sh")
        .isEqualTo(regenerated.toString());
  }
}
