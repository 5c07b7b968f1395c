package dev.tollgate.it.support;

import java.nio.file.Path;
import java.util.List;

/** How to launch one sample app: its class path and main class. */
public record SampleApp(String label, List<String> classpath, String mainClass) {

  public static SampleApp openAiJava() {
    Path target = ItEnv.sampleAppTarget("openai-java-app");
    return new SampleApp("openai-java", List.of(target.resolve("openai-java-app.jar").toString(), target.resolve("lib") + "/*"),
        "example.openaijava.OpenAiJavaApp");
  }

  public static SampleApp jdkHttpClient() {
    Path target = ItEnv.sampleAppTarget("jdk-httpclient-app");
    return new SampleApp("jdk-httpclient", List.of(target.resolve("jdk-httpclient-app.jar").toString()),
        "example.jdkhttpclient.JdkHttpClientApp");
  }

  public static SampleApp okHttp() {
    Path target = ItEnv.sampleAppTarget("okhttp-app");
    return new SampleApp("okhttp", List.of(target.resolve("okhttp-app.jar").toString(), target.resolve("lib") + "/*"),
        "example.okhttp.OkHttpApp");
  }

  /** The OkHttp app with OkHttp 5.x (and its okio/kotlin) instead of the 4.x jars it was built with. */
  public static SampleApp okHttp5() {
    Path target = ItEnv.sampleAppTarget("okhttp-app");
    return new SampleApp("okhttp5", List.of(target.resolve("okhttp-app.jar").toString(), ItEnv.okhttp5Dir() + "/*"),
        "example.okhttp.OkHttpApp");
  }

  /** The OkHttp app loaded by a child URLClassLoader (OkHttp is not on the class path), as in a fat jar. */
  public static SampleApp okHttpChildLoader() {
    Path target = ItEnv.sampleAppTarget("okhttp-app");
    return new SampleApp("okhttp-childloader", List.of(target.resolve("okhttp-app.jar").toString()),
        "example.okhttp.ChildLoaderMain");
  }

  /** Plain java.net.HttpURLConnection (what Spring's RestTemplate uses by default). */
  public static SampleApp urlConnection() {
    return withLib("urlconnection", "urlconnection-app", "example.urlconnection.UrlConnectionApp");
  }

  /** Apache HttpClient 5.6 (classic; {@code async} uses the async client). */
  public static SampleApp apache5() {
    return withLib("apache-httpclient5", "apache-httpclient-app", "example.apachehttp.Apache5App");
  }

  /** Apache HttpClient 4.5. */
  public static SampleApp apache4() {
    return withLib("apache-httpclient4", "apache-httpclient-app", "example.apachehttp.Apache4App");
  }

  /** The official anthropic-java SDK (OkHttp 4 underneath). */
  public static SampleApp anthropicJava() {
    return withLib("anthropic-java", "anthropic-java-app", "example.anthropicjava.AnthropicJavaApp");
  }

  /** LangChain4j's OpenAI and Anthropic chat models (the JDK HttpClient underneath). */
  public static SampleApp langChain4j() {
    return withLib("langchain4j", "langchain4j-app", "example.langchain4j.LangChain4jApp");
  }

  /** Google's google-genai SDK on the Gemini API (OkHttp 4 underneath). */
  public static SampleApp googleGenAi() {
    return withLib("google-genai", "google-genai-app", "example.googlegenai.GoogleGenAiApp");
  }

  /** Spring WebClient (Reactor Netty) and RestClient over ReactorClientHttpRequestFactory, Spring 7.0, no Boot. */
  public static SampleApp springWebClient() {
    return withLib("spring-webclient", "spring-webclient-app", "example.springwebclient.SpringWebClientApp");
  }

  /** Spring AI 1.1's ChatClient in a Spring Boot 3.5 app (RestClient and WebClient over the JDK HttpClient, Boot's default there). */
  public static SampleApp springAi() {
    return withLib("spring-ai", "spring-ai-app", "example.springai.SpringAiApp");
  }

  /** An app that sets up the OpenTelemetry SDK itself and calls with the JDK HttpClient inside its own span. */
  public static SampleApp otelSdk() {
    return withLib("otel-sdk", "otel-app", "example.otelapp.OtelSdkApp");
  }

  /** The SDK app with OkHttp 4 (okhttp-app's lib/) on its class path too. */
  public static SampleApp otelSdkOkHttp() {
    Path target = ItEnv.sampleAppTarget("otel-app");
    return new SampleApp("otel-sdk-okhttp", List.of(target.resolve("otel-app.jar").toString(), target.resolve("lib") + "/*",
        ItEnv.sampleAppTarget("okhttp-app").resolve("lib") + "/*"), "example.otelapp.OtelSdkApp");
  }

  /** A JDK HttpServer whose /checkout makes two LLM calls; only its own jar: no OpenTelemetry API on the class path. */
  public static SampleApp checkoutServer() {
    return new SampleApp("checkout-server", List.of(ItEnv.sampleAppTarget("otel-app").resolve("otel-app.jar").toString()),
        "example.otelapp.CheckoutServer");
  }

  /** The same server making its calls with OkHttp 4 (okhttp-app's lib/), still without any OpenTelemetry API. */
  public static SampleApp checkoutServerOkHttp() {
    return new SampleApp("checkout-server-okhttp", List.of(ItEnv.sampleAppTarget("otel-app").resolve("otel-app.jar").toString(),
        ItEnv.sampleAppTarget("okhttp-app").resolve("lib") + "/*"), "example.otelapp.CheckoutServer");
  }

  /** A Spring Boot 3.5 web app traced by Micrometer Tracing's OpenTelemetry bridge; its /checkout makes one JDK HttpClient chat. */
  public static SampleApp micrometer() {
    return withLib("micrometer", "micrometer-app", "example.micrometerapp.MicrometerApp");
  }

  private static SampleApp withLib(String label, String module, String mainClass) {
    Path target = ItEnv.sampleAppTarget(module);
    return new SampleApp(label, List.of(target.resolve(module + ".jar").toString(), target.resolve("lib") + "/*"), mainClass);
  }

  @Override
  public String toString() {
    return label;
  }
}
