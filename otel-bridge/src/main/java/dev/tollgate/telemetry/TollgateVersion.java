package dev.tollgate.telemetry;

/** The version reported as the instrumentation scope version. */
public final class TollgateVersion {
  public static final String VERSION = read();

  private TollgateVersion() {}

  private static String read() {
    String v = TollgateVersion.class.getPackage() == null ? null
        : TollgateVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
