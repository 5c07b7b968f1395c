package dev.tollgate.it;

import dev.tollgate.it.support.ExpectedCall;
import dev.tollgate.it.support.FakeProvider;
import dev.tollgate.it.support.SampleApp;
import org.junit.jupiter.api.Test;

/** Google's google-genai SDK on the Gemini API (OkHttp 4 underneath), with and without the agent. */
class GoogleGenAiAppTest extends SdkAppItBase {
  static final String PATH = FakeProvider.GEMINI_GENERATE_PATH;

  @Test
  void generate() {
    checkLlmScenario(SampleApp.googleGenAi(), "generate", "GoogleGenAiAppTest-generate", ExpectedCall.GEMINI_GENERATE);
  }

  @Test
  void stream() {
    checkLlmScenario(SampleApp.googleGenAi(), "stream", "GoogleGenAiAppTest-stream", ExpectedCall.GEMINI_STREAM);
  }

  @Test
  void repeatedGenerateIsServedFromTheCache() {
    checkCacheHit(SampleApp.googleGenAi(), "cache", PATH, ExpectedCall.GEMINI_GENERATE);
  }

  @Test
  void rateLimitedOnceThenServed() {
    checkRetry(SampleApp.googleGenAi(), "retry", PATH, ExpectedCall.GEMINI_GENERATE, rateLimited(GEMINI_RATE_LIMIT_BODY));
  }

  /** Gemini carries the model in the path: the fallback request is the same one at the fallback model's path. */
  @Test
  void unavailableModelFallsBackThroughThePath() {
    checkFallback(SampleApp.googleGenAi(), "fallback", PATH, geminiModelUnavailable("gemini-2.5-pro"),
        ExpectedCall.GEMINI_GENERATE.withRequestModel("gemini-2.5-pro"), "gemini-2.5-flash",
        pathModel("gemini-2.5-pro", "gemini-2.5-flash"));
  }
}
