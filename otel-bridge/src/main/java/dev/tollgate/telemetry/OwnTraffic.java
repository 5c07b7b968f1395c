package dev.tollgate.telemetry;

/**
 * Marks the threads on which Tollgate itself opens HTTP connections (the OTLP export over
 * {@code HttpURLConnection}), so that the agent's {@code HttpURLConnection} instrumentation
 * leaves them alone whatever their URL. A plain thread-local flag: setting it costs nothing.
 */
public final class OwnTraffic {
  private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

  private OwnTraffic() {}

  /** True while this thread opens one of Tollgate's own connections. */
  public static boolean active() {
    return ACTIVE.get() != null;
  }

  /** Marks this thread; returns the previous state for {@link #end(boolean)}. */
  public static boolean begin() {
    boolean was = ACTIVE.get() != null;
    ACTIVE.set(Boolean.TRUE);
    return was;
  }

  public static void end(boolean previous) {
    if (!previous) {
      ACTIVE.remove();
    }
  }
}
