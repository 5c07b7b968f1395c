package dev.tollgate.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: captures what {@link TollgateLog} prints, with the once-per-kind memory cleared,
 * until closed. For tests in other packages, which cannot reach its package-private hooks.
 */
public final class TollgateLogCapture implements AutoCloseable {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private TollgateLogCapture() {
    TollgateLog.resetOnce();
    TollgateLog.redirect(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  public static TollgateLogCapture start() {
    return new TollgateLogCapture();
  }

  /** Everything logged since {@link #start}. */
  public String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    TollgateLog.redirect(System.err);
    TollgateLog.resetOnce();
  }
}
