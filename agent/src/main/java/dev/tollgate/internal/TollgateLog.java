package dev.tollgate.internal;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tollgate's own log: plain lines on stderr, prefixed {@code [tollgate]}.
 *
 * <p>Why not java.util.logging or SLF4J: touching the application's logging from premain can
 * initialise it before the application configures it, and an agent must not bring a logging
 * binding the app did not ask for. Problems that may repeat on every call (a bad header, a
 * malformed response) are logged once per kind with {@link #warnOnce}, so a hot path never
 * floods stderr. Never pass a header value or a body here: secrets stay out of logs.
 */
public final class TollgateLog {
  private static final String PREFIX = "[tollgate] ";
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
  private static final boolean DEBUG = Boolean.getBoolean("tollgate.debug")
      || "true".equalsIgnoreCase(System.getenv("TOLLGATE_DEBUG"));
  private static volatile PrintStream out = System.err;

  private TollgateLog() {}

  public static void info(String message) {
    out.println(PREFIX + message);
  }

  public static void warn(String message) {
    out.println(PREFIX + "WARN " + message);
  }

  public static void warn(String message, Throwable t) {
    out.println(PREFIX + "WARN " + message + ": " + describe(t));
    if (DEBUG) {
      t.printStackTrace(out);
    }
  }

  /** Logs a warning the first time {@code kind} is seen in this JVM; later ones are dropped. */
  public static void warnOnce(String kind, String message) {
    if (ONCE.add(kind)) {
      warn(message + " (logged once)");
    }
  }

  public static void warnOnce(String kind, String message, Throwable t) {
    if (ONCE.add(kind)) {
      warn(message + " (logged once)", t);
    }
  }

  public static void debug(String message) {
    if (DEBUG) {
      out.println(PREFIX + "DEBUG " + message);
    }
  }

  /** A one-line, secret-free description of a throwable: its class and message. */
  public static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + m);
  }

  /** Test hook: where lines go. */
  static void redirect(PrintStream stream) {
    out = stream;
  }

  /** Test hook: forget what was logged once. */
  static void resetOnce() {
    ONCE.clear();
  }
}
