package dev.tollgate.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.internal.TollgateLogCapture;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricerTest {
  private static final double EPS = 1e-15;

  /** Made-up prices, all different, so that a hit shows which key priced the call. */
  private static final Pricer PRICER;

  static {
    try {
      PRICER = Pricer.of(PriceTableTest.parse("""
          {
            "groq/llama-x": {"input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07},
            "together/llama-x": {"input_cost_per_token": 3e-07, "output_cost_per_token": 4e-07},
            "llama-x": {"input_cost_per_token": 5e-07, "output_cost_per_token": 6e-07},
            "gpt-4o-mini": {"input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07},
            "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05},
            "gpt-4o-2024-05-13": {"input_cost_per_token": 5e-06, "output_cost_per_token": 1.5e-05},
            "gpt-4": {"input_cost_per_token": 3e-05, "output_cost_per_token": 6e-05},
            "azure/gpt-4": {"input_cost_per_token": 3.1e-05, "output_cost_per_token": 6.1e-05},
            "claude-3-5-sonnet": {"input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
            "Meta-Llama-3-8B": {"input_cost_per_token": 7e-08, "output_cost_per_token": 8e-08},
            "meta-llama-3-8b": {"input_cost_per_token": 9e-08, "output_cost_per_token": 9e-08},
            "mixed-case": {"input_cost_per_token": 1.1e-07, "output_cost_per_token": 1.2e-07},
            "cached": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
              "cache_read_input_token_cost": 1e-07, "cache_creation_input_token_cost": 1.25e-06},
            "cached-1h": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
              "cache_read_input_token_cost": 1e-07, "cache_creation_input_token_cost": 1.25e-06,
              "cache_creation_input_token_cost_above_1hr": 2e-06},
            "reasoner": {"input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
              "output_cost_per_reasoning_token": 3e-06},
            "embed": {"mode": "embedding", "input_cost_per_token": 1e-07}
          }"""));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static CallRecord call(String requestModel, String responseModel) {
    CallRecord record = new CallRecord();
    record.requestModel = requestModel;
    record.responseModel = responseModel;
    record.inputTokens = 1000L;
    record.outputTokens = 100L;
    return record;
  }

  /** The key that priced a 1000-in, 100-out call on {@code model}, or null. */
  private static String keyFor(String model, String... prefixes) {
    CallRecord record = call(model, null);
    PRICER.price(record, List.of(prefixes));
    return record.pricingModel;
  }

  // -- look-up order

  @Test
  void aPrefixedKeyWinsOverTheBareModel() {
    CallRecord record = call("llama-x", null);
    PRICER.price(record, List.of("groq/"));

    assertThat(record.pricingModel).isEqualTo("groq/llama-x");
    assertThat(record.costUsd).isCloseTo(1000 * 1e-07 + 100 * 2e-07, within(EPS));
  }

  @Test
  void prefixesAreTriedInTheGivenOrderThenTheBareModel() {
    assertThat(keyFor("llama-x", "together/", "groq/")).isEqualTo("together/llama-x");
    assertThat(keyFor("llama-x", "mistral/", "groq/")).isEqualTo("groq/llama-x");
    assertThat(keyFor("llama-x", "mistral/")).isEqualTo("llama-x");
    assertThat(keyFor("llama-x")).isEqualTo("llama-x");

    CallRecord record = call("llama-x", null);
    PRICER.price(record, null);
    assertThat(record.pricingModel).isEqualTo("llama-x");
    assertThat(record.costUsd).isCloseTo(1000 * 5e-07 + 100 * 6e-07, within(EPS));
  }

  @Test
  void theResponseModelWinsOverTheRequestModel() {
    CallRecord record = call("gpt-4o", "gpt-4o-mini"); // e.g. after a fallback
    PRICER.price(record, List.of());

    assertThat(record.pricingModel).isEqualTo("gpt-4o-mini");
    assertThat(record.costUsd).isCloseTo(1000 * 1.5e-07 + 100 * 6e-07, within(EPS));
  }

  @Test
  void theRequestModelIsUsedWhenTheResponseModelIsMissingOrUnknown() {
    CallRecord unknown = call("gpt-4o-mini", "some-unknown-model");
    PRICER.price(unknown, List.of());
    CallRecord missing = call("gpt-4o-mini", null);
    PRICER.price(missing, List.of());

    assertThat(unknown.pricingModel).isEqualTo("gpt-4o-mini");
    assertThat(unknown.warnings).isEmpty();
    assertThat(missing.pricingModel).isEqualTo("gpt-4o-mini");
  }

  @Test
  void theUndatedResponseModelWinsOverTheRequestModel() {
    CallRecord record = call("gpt-4o-mini", "gpt-4o-2024-08-06");
    PRICER.price(record, List.of());

    assertThat(record.pricingModel).isEqualTo("gpt-4o");
  }

  @Test
  void aDateSuffixIsStrippedOnlyWhenTheDatedModelIsUnknown() {
    assertThat(keyFor("gpt-4o-mini-2024-07-18")).isEqualTo("gpt-4o-mini");
    assertThat(keyFor("gpt-4o-2024-05-13")).isEqualTo("gpt-4o-2024-05-13");
    assertThat(keyFor("gpt-4o-2024-11-20")).isEqualTo("gpt-4o");
    assertThat(keyFor("claude-3-5-sonnet-20240620")).isEqualTo("claude-3-5-sonnet");
    assertThat(keyFor("claude-3-5-sonnet@20240620")).isEqualTo("claude-3-5-sonnet");
    assertThat(keyFor("gpt-4-0613")).isEqualTo("gpt-4");
    assertThat(keyFor("gpt-4-0613", "azure/")).isEqualTo("azure/gpt-4");
    assertThat(keyFor("llama-x-20250101", "groq/")).isEqualTo("groq/llama-x");
  }

  @Test
  void stripDateSuffixRecognisesDatesAndLeavesOtherNumbersAlone() {
    assertThat(Pricer.stripDateSuffix("gpt-4o-mini-2024-07-18")).isEqualTo("gpt-4o-mini");
    assertThat(Pricer.stripDateSuffix("claude-3-5-sonnet-20240620"))
        .isEqualTo("claude-3-5-sonnet");
    assertThat(Pricer.stripDateSuffix("claude-3-5-sonnet@20240620"))
        .isEqualTo("claude-3-5-sonnet");
    assertThat(Pricer.stripDateSuffix("gpt-4-0613")).isEqualTo("gpt-4");
    assertThat(Pricer.stripDateSuffix("gpt-3.5-turbo-0125")).isEqualTo("gpt-3.5-turbo");
    assertThat(Pricer.stripDateSuffix("deepseek-r1-0528")).isEqualTo("deepseek-r1");

    assertThat(Pricer.stripDateSuffix("gpt-4o")).isNull();
    assertThat(Pricer.stripDateSuffix("llama3-8b-8192")).as("context size").isNull();
    assertThat(Pricer.stripDateSuffix("mixtral-8x7b-32768")).isNull();
    assertThat(Pricer.stripDateSuffix("llama-2-4096")).isNull();
    assertThat(Pricer.stripDateSuffix("gemini-1.5-pro-002")).isNull();
    assertThat(Pricer.stripDateSuffix("mistral-large-2407")).as("YYMM is not MMDD").isNull();
    assertThat(Pricer.stripDateSuffix("model-20241301")).as("month 13").isNull();
    assertThat(Pricer.stripDateSuffix("model-2024-02-32")).as("day 32").isNull();
    assertThat(Pricer.stripDateSuffix("model-19990101")).as("year 19xx").isNull();
    assertThat(Pricer.stripDateSuffix("model_20240620")).isNull();
    assertThat(Pricer.stripDateSuffix("-2024-07-18")).as("nothing left").isNull();
    assertThat(Pricer.stripDateSuffix("20240620")).isNull();
    assertThat(Pricer.stripDateSuffix("")).isNull();
  }

  @Test
  void aLowerCasedModelIsTriedWhenTheExactOneMisses() {
    assertThat(keyFor("Meta-Llama-3-8B")).as("exact case first").isEqualTo("Meta-Llama-3-8B");
    assertThat(keyFor("META-LLAMA-3-8B")).isEqualTo("meta-llama-3-8b");
    assertThat(keyFor("Mixed-Case")).isEqualTo("mixed-case");
    assertThat(keyFor("LLAMA-X", "groq/")).isEqualTo("groq/llama-x");
    assertThat(keyFor("GPT-4o-Mini-2024-07-18")).isEqualTo("gpt-4o-mini");
  }

  // -- cost

  @Test
  void cachedTokensAreChargedAtTheirOwnPrices() {
    CallRecord record = call("cached", null);
    record.inputTokens = 1000L; // includes the 200 read and 100 written
    record.cacheReadTokens = 200L;
    record.cacheCreationTokens = 100L;
    record.outputTokens = 500L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(
        700 * 1e-06 + 200 * 1e-07 + 100 * 1.25e-06 + 500 * 2e-06, within(EPS));
  }

  @Test
  void oneHourCacheWritesAreChargedAtTheOneHourPriceAndTheRestAtTheFiveMinutePrice() {
    CallRecord record = call("cached-1h", null);
    record.inputTokens = 1000L; // includes the 200 read and 300 written (100 for 5 min, 200 for 1 h)
    record.cacheReadTokens = 200L;
    record.cacheCreationTokens = 300L;
    record.cacheCreation5mTokens = 100L;
    record.cacheCreation1hTokens = 200L;
    record.outputTokens = 500L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(
        500 * 1e-06 + 200 * 1e-07 + 100 * 1.25e-06 + 200 * 2e-06 + 500 * 2e-06, within(EPS));
  }

  @Test
  void withoutTheSplitEveryCacheWriteIsChargedAtTheFiveMinutePrice() {
    CallRecord record = call("cached-1h", null);
    record.inputTokens = 1000L;
    record.cacheCreationTokens = 300L;
    record.outputTokens = 500L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(700 * 1e-06 + 300 * 1.25e-06 + 500 * 2e-06, within(EPS));
  }

  @Test
  void oneHourCacheWritesWithoutTheirOwnPriceAreChargedAtTheFiveMinutePrice() {
    CallRecord record = call("cached", null);
    record.inputTokens = 1000L;
    record.cacheCreationTokens = 300L;
    record.cacheCreation5mTokens = 100L;
    record.cacheCreation1hTokens = 200L;
    record.outputTokens = 500L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(700 * 1e-06 + 300 * 1.25e-06 + 500 * 2e-06, within(EPS));
  }

  /** The bundled table keeps LiteLLM's 1-hour price: claude-sonnet-4 writes at $3.75/M (5 min) and $6/M (1 h). */
  @Test
  void theBundledTablePricesClaudeCacheWritesByLifetime() {
    CallRecord record = call("claude-sonnet-4-20250514", "claude-sonnet-4-20250514");
    record.inputTokens = 13L + 1500L;
    record.cacheReadTokens = 0L;
    record.cacheCreationTokens = 1500L;
    record.cacheCreation5mTokens = 500L;
    record.cacheCreation1hTokens = 1000L;
    record.outputTokens = 5L;
    Pricer.create(null).price(record, List.of());

    assertThat(record.pricingModel).isEqualTo("claude-sonnet-4-20250514");
    assertThat(record.costUsd).isCloseTo(
        13 * 3e-06 + 500 * 3.75e-06 + 1000 * 6e-06 + 5 * 1.5e-05, within(EPS));
  }

  @Test
  void cachedTokensWithoutTheirOwnPricesAreChargedAtTheInputPrice() {
    CallRecord record = call("llama-x", null);
    record.inputTokens = 1000L;
    record.cacheReadTokens = 200L;
    record.cacheCreationTokens = 100L;
    record.outputTokens = 500L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(1000 * 5e-07 + 500 * 6e-07, within(EPS));
  }

  @Test
  void reasoningTokensAreChargedAtTheReasoningPriceWhenThereIsOne() {
    CallRecord record = call("reasoner", null);
    record.inputTokens = 1000L;
    record.outputTokens = 500L; // includes 300 reasoning tokens
    record.reasoningTokens = 300L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(1000 * 1e-06 + 200 * 2e-06 + 300 * 3e-06, within(EPS));
  }

  @Test
  void reasoningTokensAreOrdinaryOutputWithoutAReasoningPrice() {
    CallRecord record = call("cached", null);
    record.inputTokens = 1000L;
    record.outputTokens = 500L;
    record.reasoningTokens = 300L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(1000 * 1e-06 + 500 * 2e-06, within(EPS));
  }

  @Test
  void missingCountsAreZeroAndNegativeDifferencesAreClamped() {
    CallRecord outputOnly = call("cached", null);
    outputOnly.inputTokens = null;
    outputOnly.outputTokens = 10L;
    PRICER.price(outputOnly, List.of());

    CallRecord moreCachedThanInput = call("cached", null);
    moreCachedThanInput.inputTokens = 100L;
    moreCachedThanInput.cacheReadTokens = 150L;
    moreCachedThanInput.outputTokens = 0L;
    PRICER.price(moreCachedThanInput, List.of());

    CallRecord moreReasoningThanOutput = call("reasoner", null);
    moreReasoningThanOutput.inputTokens = 0L;
    moreReasoningThanOutput.outputTokens = 100L;
    moreReasoningThanOutput.reasoningTokens = 150L;
    PRICER.price(moreReasoningThanOutput, List.of());

    assertThat(outputOnly.costUsd).isCloseTo(10 * 2e-06, within(EPS));
    assertThat(moreCachedThanInput.costUsd).isCloseTo(150 * 1e-07, within(EPS));
    assertThat(moreReasoningThanOutput.costUsd).isCloseTo(150 * 3e-06, within(EPS));
  }

  @Test
  void anEmbeddingWithoutAnOutputPriceIsPricedByItsInput() {
    CallRecord record = call("embed", null);
    record.inputTokens = 1000L;
    record.outputTokens = null;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isCloseTo(1000 * 1e-07, within(EPS));
  }

  @Test
  void aFreeModelCostsZeroNotNull() throws IOException {
    Pricer free = Pricer.of(PriceTableTest.parse(
        "{\"free\": {\"input_cost_per_token\": 0, \"output_cost_per_token\": 0}}"));
    CallRecord record = call("free", null);
    free.price(record, List.of());

    assertThat(record.costUsd).isEqualTo(0.0);
    assertThat(record.pricingModel).isEqualTo("free");
  }

  // -- unpriced

  @Test
  void anUnknownModelStaysUnpricedWithAWarning() {
    CallRecord record = call("no-such-model", "no-such-model-2024-07-18");
    PRICER.price(record, List.of("groq/"));

    assertThat(record.costUsd).isNull();
    assertThat(record.pricingModel).isNull();
    assertThat(record.warnings).containsExactly("unpriced model: no-such-model-2024-07-18");
  }

  @Test
  void aCallWithoutAModelNameStaysUnpricedWithAWarning() {
    CallRecord record = call(null, null);
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isNull();
    assertThat(record.warnings).containsExactly("unpriced call: no model name");
  }

  @Test
  void aCallWithoutUsageStaysUnpricedAndUntouched() {
    CallRecord record = call("gpt-4o-mini", "gpt-4o-mini");
    record.inputTokens = null;
    record.outputTokens = null;
    record.cacheReadTokens = 10L;
    PRICER.price(record, List.of());

    assertThat(record.costUsd).isNull();
    assertThat(record.pricingModel).isNull();
    assertThat(record.warnings).isEmpty();
  }

  // -- Pricer.create: the bundled table and the user's file

  @Test
  void withoutAUserFileTheBundledTableIsUsed() {
    for (String none : new String[] {null, "", "  "}) {
      Pricer pricer = Pricer.create(none);
      CallRecord record = call("gpt-4o-mini", "gpt-4o-mini-2024-07-18");
      pricer.price(record, List.of());

      assertThat(pricer.table()).isSameAs(PriceTable.bundled());
      assertThat(record.pricingModel).isIn("gpt-4o-mini-2024-07-18", "gpt-4o-mini");
      assertThat(record.costUsd).isCloseTo(1000 * 1.5e-07 + 100 * 6e-07, within(EPS));
    }
  }

  @Test
  void aUserFileOverridesAndAddsModels(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {
          "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
          "my-finetune": {"input_cost_per_token": 4e-06, "output_cost_per_token": 8e-06}
        }""");

    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      Pricer pricer = Pricer.create(" " + file + " ");

      CallRecord overridden = call("gpt-4o-mini", null);
      pricer.price(overridden, List.of());
      CallRecord added = call("my-finetune", null);
      pricer.price(added, List.of());
      CallRecord untouched = call("gpt-4o", null);
      pricer.price(untouched, List.of());

      assertThat(overridden.costUsd).isCloseTo(1000 * 1e-06 + 100 * 2e-06, within(EPS));
      assertThat(added.pricingModel).isEqualTo("my-finetune");
      assertThat(added.costUsd).isCloseTo(1000 * 4e-06 + 100 * 8e-06, within(EPS));
      assertThat(untouched.costUsd).isEqualTo(
          PriceTable.bundled().find("gpt-4o").cost(1000, 100, 0, 0, 0));
      assertThat(pricer.table().size()).isEqualTo(PriceTable.bundled().size() + 1);
      assertThat(log.text()).isEmpty();
    }
  }

  @Test
  void aCorruptUserFileIsReportedOnceAndTheBundledTableIsUsed(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("corrupt.json");
    Files.writeString(file, "{\"gpt-4o-mini\": {\"input_cost_per_token\": 1e-06,\n");

    assertBundledOnlyWithOneLogLine(file.toString(),
        "price file " + file + " (tollgate.pricing.file) is not a valid price table",
        "line 2");
  }

  @Test
  void aMissingUserFileIsReportedOnceAndTheBundledTableIsUsed(@TempDir Path dir) {
    Path file = dir.resolve("no-such.json");

    assertBundledOnlyWithOneLogLine(file.toString(),
        "price file " + file + " (tollgate.pricing.file) does not exist", "bundled prices only");
  }

  @Test
  void anUnreadableUserFileIsReportedOnceAndTheBundledTableIsUsed(@TempDir Path dir) {
    assertBundledOnlyWithOneLogLine(dir.toString(),
        "price file " + dir + " (tollgate.pricing.file) cannot be read", "bundled prices only");
  }

  @Test
  void aUserFileWithoutUsableEntriesIsReported(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("empty.json");
    Files.writeString(file, "{\"m\": {\"mode\": \"image_generation\"}}");

    assertBundledOnlyWithOneLogLine(file.toString(),
        "price file " + file + " (tollgate.pricing.file) has no usable entry",
        "input_cost_per_token");
  }

  private static void assertBundledOnlyWithOneLogLine(String file, String... expected) {
    try (TollgateLogCapture log = TollgateLogCapture.start()) {
      Pricer first = Pricer.create(file);
      Pricer second = Pricer.create(file);
      CallRecord record = call("gpt-4o-mini", null);
      first.price(record, List.of());

      assertThat(first.table()).isSameAs(PriceTable.bundled());
      assertThat(second.table()).isSameAs(PriceTable.bundled());
      assertThat(record.costUsd).isCloseTo(1000 * 1.5e-07 + 100 * 6e-07, within(EPS));
      assertThat(log.text().lines()).hasSize(1);
      assertThat(log.text()).startsWith("[tollgate] WARN ").contains(expected);
    }
  }
}
