package dev.tollgate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every attribute name Tollgate emits, in one place.
 *
 * <p>Why our own constants: the GenAI semantic conventions (v1.41 targeted here) are still
 * moving (see the proposed {@code cache_creation} → {@code cache_write} rename); the
 * OpenTelemetry Java team advises copying the few keys instead of depending on the alpha
 * {@code semconv-incubating} artifact. A rename is then a one-file change.
 */
public final class GenAiAttributes {
  private GenAiAttributes() {}

  public static final String INSTRUMENTATION_SCOPE = "dev.tollgate";

  // gen_ai.*
  public static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<Boolean> REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
  public static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
  public static final AttributeKey<Double> REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
  public static final AttributeKey<Double> REQUEST_TOP_K = AttributeKey.doubleKey("gen_ai.request.top_k");
  public static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
  public static final AttributeKey<Long> REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
  public static final AttributeKey<Double> REQUEST_FREQUENCY_PENALTY = AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
  public static final AttributeKey<Double> REQUEST_PRESENCE_PENALTY = AttributeKey.doubleKey("gen_ai.request.presence_penalty");
  public static final AttributeKey<List<String>> REQUEST_STOP_SEQUENCES = AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
  public static final AttributeKey<Long> REQUEST_CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
  public static final AttributeKey<List<String>> REQUEST_ENCODING_FORMATS = AttributeKey.stringArrayKey("gen_ai.request.encoding_formats");
  public static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
  public static final AttributeKey<List<String>> RESPONSE_FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  public static final AttributeKey<Double> RESPONSE_TIME_TO_FIRST_CHUNK = AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  public static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<Long> USAGE_CACHE_READ_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  public static final AttributeKey<Long> USAGE_CACHE_CREATION_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  public static final AttributeKey<Long> USAGE_REASONING_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  public static final AttributeKey<Long> EMBEDDINGS_DIMENSION_COUNT = AttributeKey.longKey("gen_ai.embeddings.dimension.count");
  public static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
  public static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
  public static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
  public static final AttributeKey<String> SYSTEM_INSTRUCTIONS = AttributeKey.stringKey("gen_ai.system_instructions");

  // openai.*
  public static final AttributeKey<String> OPENAI_REQUEST_SERVICE_TIER = AttributeKey.stringKey("openai.request.service_tier");
  public static final AttributeKey<String> OPENAI_RESPONSE_SERVICE_TIER = AttributeKey.stringKey("openai.response.service_tier");
  public static final AttributeKey<String> OPENAI_RESPONSE_SYSTEM_FINGERPRINT = AttributeKey.stringKey("openai.response.system_fingerprint");

  // general semconv
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  public static final AttributeKey<String> USER_ID = AttributeKey.stringKey("user.id");
  public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("session.id");

  // tollgate.*
  public static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("tollgate.cost.usd");
  public static final AttributeKey<String> PRICING_MODEL = AttributeKey.stringKey("tollgate.pricing.model");
  /** Anthropic's cache writes by lifetime (priced apart); semconv only has their sum. */
  public static final AttributeKey<Long> USAGE_CACHE_CREATION_5M_INPUT_TOKENS =
      AttributeKey.longKey("tollgate.usage.cache_creation.ephemeral_5m_input_tokens");
  public static final AttributeKey<Long> USAGE_CACHE_CREATION_1H_INPUT_TOKENS =
      AttributeKey.longKey("tollgate.usage.cache_creation.ephemeral_1h_input_tokens");
  public static final String PROPERTY_PREFIX = "tollgate.property.";
  public static final AttributeKey<String> SESSION_PATH = AttributeKey.stringKey("tollgate.session.path");
  public static final AttributeKey<String> SESSION_NAME = AttributeKey.stringKey("tollgate.session.name");
  public static final AttributeKey<Long> RATELIMIT_LIMIT_REQUESTS = AttributeKey.longKey("tollgate.ratelimit.limit_requests");
  public static final AttributeKey<Long> RATELIMIT_REMAINING_REQUESTS = AttributeKey.longKey("tollgate.ratelimit.remaining_requests");
  public static final AttributeKey<Long> RATELIMIT_LIMIT_TOKENS = AttributeKey.longKey("tollgate.ratelimit.limit_tokens");
  public static final AttributeKey<Long> RATELIMIT_REMAINING_TOKENS = AttributeKey.longKey("tollgate.ratelimit.remaining_tokens");
  /** The wait the provider asked for in {@code retry-after-ms} / {@code Retry-After}, in milliseconds. */
  public static final AttributeKey<Long> RATELIMIT_RETRY_AFTER_MS = AttributeKey.longKey("tollgate.ratelimit.retry_after_ms");
  public static final AttributeKey<List<String>> WARNINGS = AttributeKey.stringArrayKey("tollgate.warnings");
  public static final AttributeKey<String> CACHE_STATUS = AttributeKey.stringKey("tollgate.cache.status");
  public static final AttributeKey<Double> CACHE_SAVED_USD = AttributeKey.doubleKey("tollgate.cache.saved_usd");
  public static final AttributeKey<Long> RETRY_COUNT = AttributeKey.longKey("tollgate.retry.count");
  public static final AttributeKey<Long> FALLBACK_INDEX = AttributeKey.longKey("tollgate.fallback.index");
  /** {@code ratelimit:<policy>} or {@code budget:<name>}: the agent answered 429 itself. */
  public static final AttributeKey<String> BLOCKED_BY = AttributeKey.stringKey("tollgate.blocked_by");
  public static final AttributeKey<List<String>> CONFIG_ERROR = AttributeKey.stringArrayKey("tollgate.config.error");

  // the span event of each attempt
  public static final String ATTEMPT_EVENT = "tollgate.attempt";
  /** A span event and log record: an alert this call set off. */
  public static final String ALERT_EVENT = "tollgate.alert";
  public static final AttributeKey<String> ALERT_KIND = AttributeKey.stringKey("tollgate.alert.kind");
  public static final AttributeKey<String> ALERT_NAME = AttributeKey.stringKey("tollgate.alert.name");
  public static final AttributeKey<String> ALERT_MESSAGE = AttributeKey.stringKey("tollgate.alert.message");
  public static final AttributeKey<Long> ATTEMPT_NUMBER = AttributeKey.longKey("tollgate.attempt.number");
  public static final AttributeKey<Long> ATTEMPT_DELAY_MS = AttributeKey.longKey("tollgate.attempt.delay_ms");

  // metric names
  public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
  public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
  public static final String METRIC_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
  public static final String METRIC_COST = "tollgate.client.cost";
  public static final String METRIC_REQUESTS = "tollgate.client.requests";
  /** Counter, USD: what cache hits would have cost. */
  public static final String METRIC_CACHE_SAVED = "tollgate.client.cache.saved";
  /** Gauges: the provider's last reported rate limit and what remains of it, per provider, model and unit. */
  public static final String METRIC_PROVIDER_LIMIT = "tollgate.provider.ratelimit.limit";
  public static final String METRIC_PROVIDER_REMAINING = "tollgate.provider.ratelimit.remaining";
  /** Gauges, USD: each budget's spend in its current window, and its amount. */
  public static final String METRIC_BUDGET_SPENT = "tollgate.budget.spent";
  public static final String METRIC_BUDGET_LIMIT = "tollgate.budget.limit";
  /** {@code requests} or {@code tokens}: what a provider rate-limit gauge counts. */
  public static final AttributeKey<String> RATELIMIT_UNIT = AttributeKey.stringKey("tollgate.ratelimit.unit");
  public static final AttributeKey<String> BUDGET_NAME = AttributeKey.stringKey("tollgate.budget.name");
  /** The user, model or property value a scoped budget's ledger is for. */
  public static final AttributeKey<String> BUDGET_SCOPE_VALUE = AttributeKey.stringKey("tollgate.budget.scope_value");
}
