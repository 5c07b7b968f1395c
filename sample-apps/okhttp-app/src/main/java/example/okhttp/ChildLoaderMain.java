package example.okhttp;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@link OkHttpApp} the way a Spring Boot fat jar or a servlet container would: OkHttp is not
 * on the class path, it lives in a child {@link URLClassLoader} whose parent is the platform class
 * loader. This class must never mention an OkHttp type (it is loaded by the system class loader,
 * which cannot see OkHttp).
 *
 * <pre>
 * java -cp target/okhttp-app.jar example.okhttp.ChildLoaderMain [--lib=DIR] chat
 * </pre>
 *
 * <p>The child loader gets this jar and every jar in {@code DIR} (default: {@code lib/} next to
 * this jar, where the build copies OkHttp, okio and the Kotlin standard library).
 */
public final class ChildLoaderMain {
  private static final String APP_MAIN = "example.okhttp.OkHttpApp";

  public static void main(String[] args) throws Throwable {
    Path appJar = Path.of(ChildLoaderMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path libDir = appJar.resolveSibling("lib");
    List<String> appArgs = new ArrayList<>(Arrays.asList(args));
    if (!appArgs.isEmpty() && appArgs.get(0).startsWith("--lib=")) {
      libDir = Path.of(appArgs.remove(0).substring("--lib=".length()));
    }

    List<URL> urls = new ArrayList<>();
    urls.add(appJar.toUri().toURL());
    try (Stream<Path> jars = Files.list(libDir)) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(jar.toUri().toURL());
      }
    }

    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    // never closed: OkHttp's daemon threads may still load classes while the JVM shuts down
    URLClassLoader child = new URLClassLoader("okhttp-app", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    try {
      Thread.currentThread().setContextClassLoader(child);
      Class<?> app = Class.forName(APP_MAIN, true, child);
      if (app.getClassLoader() != child) {
        throw new IllegalStateException(APP_MAIN + " was not loaded by the child loader");
      }
      Method main = app.getMethod("main", String[].class);
      try {
        main.invoke(null, (Object) appArgs.toArray(String[]::new));
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
