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
    Path target = ItEnv.sampleAppTarget("urlconnection-app");
    return new SampleApp("urlconnection", List.of(target.resolve("urlconnection-app.jar").toString(), target.resolve("lib") + "/*"),
        "example.urlconnection.UrlConnectionApp");
  }
}
