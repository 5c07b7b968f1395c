package dev.tollgate.it.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.util.function.Consumer;

/**
 * Failures a {@link FakeProvider} can be told to answer before (or instead of) the recordings, for
 * the gateway-policy tests.
 *
 * <p>The error bodies use OpenAI's error shape exactly as the recorded 404 exchange has it
 * ({@code shared/data/wire/openai/chat-error-404-model-not-found.vcr.yaml}: pretty-printed
 * {@code {"error": {"message", "type", "param", "code"}}}, {@code application/json; charset=utf-8}).
 * No 429 or 503 was ever recorded, so their messages are written by hand in that shape, with
 * OpenAI's documented wording.
 */
public final class PolicyStubs {
  private PolicyStubs() {}

  public static final String CHAT_PATH = "/v1/chat/completions";

  public static final String RATE_LIMIT_BODY = """
      {
        "error": {
          "message": "Rate limit reached for gpt-4o-mini in organization org-demo on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.",
          "type": "requests",
          "param": null,
          "code": "rate_limit_exceeded"
        }
      }""";
  public static final String OVERLOADED_BODY = """
      {
        "error": {
          "message": "The server is overloaded or not ready yet.",
          "type": "server_error",
          "param": null,
          "code": null
        }
      }""";
  public static final String SERVER_ERROR_BODY = """
      {
        "error": {
          "message": "The server had an error while processing your request. Sorry about that!",
          "type": "server_error",
          "param": null,
          "code": null
        }
      }""";

  private static ResponseDefinitionBuilder error(int status, String body) {
    return aResponse().withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withHeader("x-request-id", "req_policy_" + status)
        .withBody(body);
  }

  /** 429 with {@code retry-after} in seconds. */
  public static ResponseDefinitionBuilder rateLimited(int retryAfterSeconds) {
    return error(429, RATE_LIMIT_BODY).withHeader("retry-after", String.valueOf(retryAfterSeconds));
  }

  /** 503, no retry-after. */
  public static ResponseDefinitionBuilder unavailable() {
    return error(503, OVERLOADED_BODY);
  }

  /** 500, no retry-after. */
  public static ResponseDefinitionBuilder serverError() {
    return error(500, SERVER_ERROR_BODY);
  }

  /** The connection is reset as the request arrives: no status at all. */
  public static ResponseDefinitionBuilder connectionReset() {
    return aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
  }

  /** The first chat requests get {@code answers}, in order; every later one falls through to the recordings. */
  public static Consumer<FakeProvider> firstChats(ResponseDefinitionBuilder... answers) {
    return provider -> {
      for (int i = 0; i < answers.length; i++) {
        provider.stubFor(post(urlPathEqualTo(CHAT_PATH)).atPriority(1)
            .inScenario("first-chats")
            .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answered-" + i)
            .willSetStateTo("answered-" + (i + 1))
            .willReturn(answers[i]));
      }
    };
  }

  /** Every chat request gets {@code answer}. */
  public static Consumer<FakeProvider> everyChat(ResponseDefinitionBuilder answer) {
    return provider -> provider.stubFor(post(urlPathEqualTo(CHAT_PATH)).atPriority(1).willReturn(answer));
  }

  /** Chat requests for {@code model} get {@code answer}; other models the recordings. */
  public static Consumer<FakeProvider> model(String model, ResponseDefinitionBuilder answer) {
    return provider -> provider.stubFor(post(urlPathEqualTo(CHAT_PATH)).atPriority(1)
        .withRequestBody(matchingJsonPath("$.model", equalTo(model)))
        .willReturn(answer));
  }
}
