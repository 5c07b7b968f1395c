package dev.tollgate.pipeline;

import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;

/**
 * The one door from client adapters into the core. It lives in the bootstrap class loader,
 * so inlined advice in any class loader (the JDK's platform loader, a Spring Boot fat-jar
 * loader) reaches the same instance.
 *
 * <p>Besides the gateway it keeps two thread-local flags: <em>handling</em>, set while a
 * handled call runs its transport, so that a request crossing two instrumented layers
 * (a client built on another) is handled once, by the outermost; and <em>suppressed</em>,
 * set while Tollgate builds its own HTTP clients (the OTLP exporter), which are never
 * instrumented.
 */
public final class Tollgate {
  private static volatile Gateway gateway;
  private static final ThreadLocal<Boolean> HANDLING = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> SUPPRESSED = new ThreadLocal<>();

  private Tollgate() {}

  public static void install(Gateway g) {
    gateway = g;
  }

  /** The installed gateway, or null when the agent is not active. */
  public static Gateway gateway() {
    return gateway;
  }

  /**
   * The endpoint of a request, or null when it is not an LLM call, when Tollgate is not
   * installed, or when this thread is already inside a handled call.
   */
  public static Endpoint recognize(String host, int port, String path, HeaderLookup headers) {
    Gateway g = gateway;
    if (g == null || HANDLING.get() == Boolean.TRUE) {
      return null;
    }
    return g.recognize(host, port, path, headers);
  }

  /** Marks this thread as running a handled call's transport; returns the previous state. */
  public static boolean enterHandling() {
    boolean was = HANDLING.get() == Boolean.TRUE;
    HANDLING.set(Boolean.TRUE);
    return was;
  }

  /**
   * Restores the state {@link #enterHandling} returned. FALSE is set rather than the entry
   * removed: a removed entry is created again by the thread's next call (a JDK Boolean, so
   * keeping it holds no class loader).
   */
  public static void exitHandling(boolean previous) {
    if (!previous) {
      HANDLING.set(Boolean.FALSE);
    }
  }

  /** True while Tollgate builds its own clients on this thread; they are never wrapped. */
  public static boolean isSuppressed() {
    return SUPPRESSED.get() != null;
  }

  public static void runSuppressed(Runnable r) {
    boolean was = SUPPRESSED.get() != null;
    SUPPRESSED.set(Boolean.TRUE);
    try {
      r.run();
    } finally {
      if (!was) {
        SUPPRESSED.remove();
      }
    }
  }

  /**
   * From advice at an asynchronous hand-off (OkHttp's {@code enqueue}), on the application's
   * thread: keeps the application's OpenTelemetry context for {@code call}. Never throws.
   */
  public static void rememberApplicationContext(Object call) {
    if (gateway != null) {
      ApplicationTrace.remember(call);
    }
  }

  /**
   * On the client's thread, before the call starts: makes the context kept for {@code call}
   * current until the scope is closed (a no-op scope when none was kept). Never throws.
   */
  public static ApplicationSpanScope resumeApplicationContext(Object call) {
    return ApplicationTrace.resume(call);
  }
}
