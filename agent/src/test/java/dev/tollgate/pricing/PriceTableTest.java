package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PriceTableTest {
  /** The full LiteLLM file the bundled table is generated from (tests run in agent/). */
  /** LiteLLM's table the bundled one is generated from, kept in the repository (pricing/README.md). */
  static final Path SOURCE = Path.of("../pricing/model_prices_and_context_window.json");

  static PriceTable parse(String json) throws IOException {
    return PriceTable.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsTheEightFieldsOfAnEntry() throws IOException {
    PriceTable table = parse("""
        {"claude-x": {"litellm_provider": "anthropic", "mode": "chat",
          "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
          "cache_read_input_token_cost": 3e-07, "cache_creation_input_token_cost": 3.75e-06,
          "output_cost_per_reasoning_token": 2e-05,
          "cache_creation_input_token_cost_above_1hr": 6e-06}}""");

    assertThat(table.size()).isEqualTo(1);
    assertThat(table.find("claude-x"))
        .isEqualTo(new ModelPrice("claude-x", "anthropic", "chat", 3e-06, 1.5e-05, 3e-07,
            3.75e-06, 2e-05, 6e-06));
  }

  @Test
  void skipsSampleSpecAndFallbackGeneralizationsWhateverTheirShape() throws IOException {
    PriceTable table = parse("""
        {
          "sample_spec": {"litellm_provider": "x", "mode": "chat",
            "input_cost_per_token": 0.0, "output_cost_per_token": 0.0},
          "fallback_generalizations": {"rules": [{"name": "r", "pattern": "^a",
            "model_info": {"input_cost_per_token": 1, "output_cost_per_token": 1}}],
            "input_cost_per_token": 1, "output_cost_per_token": 1},
          "a-list": [{"input_cost_per_token": 1, "output_cost_per_token": 1}],
          "a-string": "x", "a-number": 1, "a-null": null, "a-bool": true,
          "m": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
        }""");

    assertThat(table.keys()).containsExactly("m");
    assertThat(parse("{\"fallback_generalizations\": [1, 2], \"m\": "
        + "{\"input_cost_per_token\": 1, \"output_cost_per_token\": 2}}").keys())
        .containsExactly("m");
  }

  @Test
  void skipsUnknownFieldsOfAnyShapeAndKeepsReadingAfterThem() throws IOException {
    PriceTable table = parse("""
        {"m": {
          "max_tokens": 16384, "supports_vision": true, "deprecation_date": null,
          "search_context_cost_per_query": {"low": 0.025, "nested": {"deep": [1, {"x": 2}]}},
          "supported_regions": ["global", "us-west-2"],
          "input_cost_per_token_priority": 9.0,
          "input_cost_per_token": 1.5e-07,
          "tiered_pricing": [{"range": [0, 128000], "input_cost_per_token": 5.0}],
          "output_cost_per_token": 6e-07,
          "mode": "chat"
        }}""");

    ModelPrice m = table.find("m");
    assertThat(m.inputPerToken()).isEqualTo(1.5e-07);
    assertThat(m.outputPerToken()).isEqualTo(6e-07);
    assertThat(m.mode()).isEqualTo("chat");
    assertThat(m.cacheReadPerToken()).isNull();
    assertThat(m.cacheCreationPerToken()).isNull();
    assertThat(m.reasoningPerToken()).isNull();
  }

  @Test
  void readsIntegerAndStringPricesAndDropsUnusableOnes() throws IOException {
    PriceTable table = parse("""
        {
          "ints": {"input_cost_per_token": 0, "output_cost_per_token": 1},
          "strings": {"input_cost_per_token": "1e-06", "output_cost_per_token": " 2e-06 "},
          "bad-cache": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
            "cache_read_input_token_cost": -1, "cache_creation_input_token_cost": "free",
            "output_cost_per_reasoning_token": {"x": 1}, "litellm_provider": 7, "mode": ["chat"]},
          "negative-input": {"input_cost_per_token": -1e-06, "output_cost_per_token": 2e-06}
        }""");

    assertThat(table.find("ints").inputPerToken()).isEqualTo(0.0);
    assertThat(table.find("ints").outputPerToken()).isEqualTo(1.0);
    assertThat(table.find("strings").inputPerToken()).isEqualTo(1e-06);
    assertThat(table.find("strings").outputPerToken()).isEqualTo(2e-06);
    assertThat(table.find("bad-cache"))
        .isEqualTo(new ModelPrice("bad-cache", null, null, 1e-06, 2e-06, null, null, null));
    assertThat(table.find("negative-input")).isNull();
  }

  @Test
  void keepsEntriesWithBothTokenPricesAndEmbeddingsWithAnInputPrice() throws IOException {
    PriceTable table = parse("""
        {
          "image": {"mode": "image_generation", "output_cost_per_image": 0.04},
          "input-only-chat": {"mode": "chat", "input_cost_per_token": 1e-06},
          "output-only-chat": {"mode": "chat", "output_cost_per_token": 1e-06},
          "no-prices": {"mode": "chat", "litellm_provider": "bedrock"},
          "embed": {"mode": "embedding", "input_cost_per_token": 1e-07},
          "no-mode": {"input_cost_per_token": 2e-07, "output_cost_per_token": 2e-07}
        }""");

    assertThat(table.keys()).containsExactlyInAnyOrder("embed", "no-mode");
    assertThat(table.find("embed").outputPerToken()).isEqualTo(0.0);
  }

  @Test
  void theLastOccurrenceOfADuplicateKeyDecides() throws IOException {
    String price = "{\"input_cost_per_token\": %s, \"output_cost_per_token\": 1}";
    PriceTable table = parse("{\"a\": " + price.formatted("1") + ", \"a\": "
        + price.formatted("2") + ", \"b\": " + price.formatted("1") + ", \"b\": {}}");

    assertThat(table.find("a").inputPerToken()).isEqualTo(2.0);
    assertThat(table.find("b")).isNull();
  }

  @Test
  void rejectsMalformedJsonWithAnIoException() {
    for (String bad : new String[] {
        "", "{", "{\"m\": {\"input_cost_per_token\": 1", "{\"m\": }", "not json",
        "[{\"m\": {}}]", "\"m\"", "{} {}", "{\"a\": 1,}"}) {
      assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(IOException.class);
    }
  }

  @Test
  void leavesTheCallersStreamOpen() throws IOException {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream in = new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)) {
      @Override
      public void close() {
        closed.set(true);
      }
    };

    assertThat(PriceTable.parse(in).size()).isZero();
    assertThat(closed).isFalse();
  }

  @Test
  void findReturnsNullForAnAbsentOrNullKey() throws IOException {
    PriceTable table =
        parse("{\"m\": {\"input_cost_per_token\": 1, \"output_cost_per_token\": 1}}");

    assertThat(table.find("other")).isNull();
    assertThat(table.find("M")).isNull();
    assertThat(table.find(null)).isNull();
    assertThat(parse("{}").find(null)).isNull();
  }

  @Test
  void layeredOverReplacesAndAddsAndLeavesBothTablesUnchanged() throws IOException {
    PriceTable base = parse("""
        {"a": {"input_cost_per_token": 1, "output_cost_per_token": 1},
         "b": {"input_cost_per_token": 1, "output_cost_per_token": 1,
               "cache_read_input_token_cost": 0.5}}""");
    PriceTable top = parse("""
        {"b": {"input_cost_per_token": 2, "output_cost_per_token": 2},
         "c": {"input_cost_per_token": 3, "output_cost_per_token": 3}}""");

    PriceTable layered = top.layeredOver(base);

    assertThat(layered.keys()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(layered.find("a").inputPerToken()).isEqualTo(1.0);
    assertThat(layered.find("b").inputPerToken()).isEqualTo(2.0);
    assertThat(layered.find("b").cacheReadPerToken()).as("entries replace whole").isNull();
    assertThat(layered.find("c").inputPerToken()).isEqualTo(3.0);
    assertThat(base.keys()).containsExactlyInAnyOrder("a", "b");
    assertThat(base.find("b").inputPerToken()).isEqualTo(1.0);
    assertThat(top.keys()).containsExactlyInAnyOrder("b", "c");
    assertThat(parse("{}").layeredOver(base).keys()).containsExactlyInAnyOrder("a", "b");
    assertThat(top.layeredOver(parse("{}")).keys()).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void theBundledTableLoadsOnceWithExactSourcePrices() {
    PriceTable bundled = PriceTable.bundled();

    assertThat(PriceTable.bundled()).isSameAs(bundled);
    assertThat(bundled.size()).isGreaterThan(2000);
    // as in model_prices_and_context_window.json: 1.5e-07, 6e-07, 7.5e-08
    assertThat(bundled.find("gpt-4o-mini"))
        .isEqualTo(new ModelPrice("gpt-4o-mini", "openai", "chat", 1.5e-7, 6e-7, 7.5e-8,
            null, null));
    assertThat(bundled.find("gemini/gemini-2.5-flash").reasoningPerToken()).isEqualTo(2.5e-6);
    assertThat(bundled.find("claude-sonnet-4-5").cacheCreationPerToken()).isEqualTo(3.75e-6);
    assertThat(bundled.find("mistral/mistral-embed").outputPerToken()).isEqualTo(0.0);
    assertThat(bundled.find("sample_spec")).isNull();
    assertThat(bundled.find("1024-x-1024/dall-e-2")).as("image generation").isNull();
  }

  @Test
  void theBundledTableHoldsEveryTokenPricedModelOfTheSourceWithItsPrices() throws IOException {
    assertThat(Files.isRegularFile(SOURCE)).as("the price table's source, kept at %s", SOURCE.toAbsolutePath()).isTrue();
    PriceTable source;
    try (InputStream in = Files.newInputStream(SOURCE)) {
      source = PriceTable.parse(in);
    }
    PriceTable bundled = PriceTable.bundled();

    for (String key : bundled.keys()) {
      assertThat(bundled.find(key)).as(key).isEqualTo(source.find(key));
    }
    for (String key : source.keys()) {
      String mode = source.find(key).mode();
      if (mode == null || PriceTableGenerator.MODES.contains(mode)) {
        assertThat(bundled.find(key)).as(key).isNotNull();
      } else {
        assertThat(bundled.find(key)).as(key).isNull();
      }
    }
  }
}
