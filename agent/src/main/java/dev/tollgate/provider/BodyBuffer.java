package dev.tollgate.provider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * A bounded copy of a plain (non-streamed) response body, parsed once it is complete.
 *
 * <p>Why bounded: a codec must never be the reason a JVM runs out of memory; a body over the
 * bound is simply not parsed (the caller warns). Why gzip: when an application asks for
 * {@code Accept-Encoding: gzip} itself, some clients hand over the compressed bytes; the magic
 * number tells, and inflating is bounded by the same limit.
 */
final class BodyBuffer {
  /** Plain JSON bodies larger than this are not parsed. */
  static final int DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

  private final int maxBytes;
  private byte[] bytes = new byte[4096];
  private int length;
  private boolean overflow;

  BodyBuffer() {
    this(DEFAULT_MAX_BYTES);
  }

  BodyBuffer(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  void append(byte[] b, int off, int len) {
    if (overflow || len <= 0) {
      return;
    }
    int needed = length + len;
    if (needed > maxBytes || needed < 0) {
      overflow = true;
      bytes = null; // give the memory back at once
      length = 0;
      return;
    }
    if (needed > bytes.length) {
      byte[] bigger = new byte[Math.min(maxBytes, Math.max(needed, bytes.length * 2))];
      System.arraycopy(bytes, 0, bigger, 0, length);
      bytes = bigger;
    }
    System.arraycopy(b, off, bytes, length, len);
    length = needed;
  }

  boolean overflow() {
    return overflow;
  }

  int length() {
    return length;
  }

  byte[] array() {
    return bytes;
  }

  boolean isGzip() {
    return length >= 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b;
  }

  /**
   * Replaces the content by its gunzipped form. Returns false (content unchanged) when the
   * inflated body would exceed the bound or the data is not valid gzip.
   */
  boolean gunzip() {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes, 0, length))) {
      byte[] out = new byte[Math.max(4096, Math.min(maxBytes, length * 4))];
      int n = 0;
      while (true) {
        if (n == out.length) {
          if (n >= maxBytes) {
            if (in.read() < 0) {
              break;
            }
            return false;
          }
          byte[] bigger = new byte[Math.min(maxBytes, n * 2)];
          System.arraycopy(out, 0, bigger, 0, n);
          out = bigger;
        }
        int r = in.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      bytes = out;
      length = n;
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
