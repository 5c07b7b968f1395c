package dev.tollgate.provider;

/**
 * A recognised LLM endpoint: who (vendor), what (wire format → operation and codec), and
 * whether Tollgate may change the request (not when the host is Helicone's own gateway,
 * where Tollgate only observes and leaves the Helicone headers for it).
 */
public final class Endpoint {
  private final Vendor vendor;
  private final WireFormat format;
  private final boolean observeOnly;

  public Endpoint(Vendor vendor, WireFormat format, boolean observeOnly) {
    this.vendor = vendor;
    this.format = format;
    this.observeOnly = observeOnly;
  }

  public Vendor vendor() {
    return vendor;
  }

  public WireFormat format() {
    return format;
  }

  public String operation() {
    return format.operation();
  }

  public boolean observeOnly() {
    return observeOnly;
  }

  @Override
  public String toString() {
    return vendor + " " + format + (observeOnly ? " (observe only)" : "");
  }
}
