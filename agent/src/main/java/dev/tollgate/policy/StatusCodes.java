package dev.tollgate.policy;

import java.util.BitSet;
import java.util.Collection;

/**
 * An immutable set of HTTP status codes (100..599), e.g. the statuses a retry or a fallback
 * reacts to.
 *
 * <p>Why a class and not a {@code Set<Integer>}: Helicone's {@code onCodes} mixes single codes
 * and {@code {from,to}} ranges, and a lookup on every response should not box. A bit set over
 * the 500 possible codes is both.
 */
public final class StatusCodes {
  /** Lowest and highest status code accepted. */
  public static final int MIN = 100;
  public static final int MAX = 599;

  /** {@code 429,500,502,503,504}: the default of {@code tollgate.retry.on-codes} and {@code tollgate.fallback.on-codes}. */
  public static final StatusCodes DEFAULT = of(429, 500, 502, 503, 504);

  private static final StatusCodes NONE = new StatusCodes(new BitSet());

  private final BitSet bits;

  private StatusCodes(BitSet bits) {
    this.bits = bits;
  }

  /** @throws IllegalArgumentException when a code is outside 100..599 */
  public static StatusCodes of(int... codes) {
    BitSet bits = new BitSet(MAX + 1);
    for (int c : codes) {
      bits.set(check(c));
    }
    return new StatusCodes(bits);
  }

  /** @throws IllegalArgumentException when a code is null or outside 100..599 */
  public static StatusCodes of(Collection<Integer> codes) {
    BitSet bits = new BitSet(MAX + 1);
    for (Integer c : codes) {
      if (c == null) {
        throw new IllegalArgumentException("null status code");
      }
      bits.set(check(c));
    }
    return new StatusCodes(bits);
  }

  /**
   * Every code from {@code from} to {@code to}, both included, clipped to 100..599 (so
   * {@code {from:0,to:999}} means "any status").
   *
   * @throws IllegalArgumentException when {@code from > to}
   */
  public static StatusCodes range(int from, int to) {
    if (from > to) {
      throw new IllegalArgumentException("range from " + from + " to " + to + " is empty");
    }
    BitSet bits = new BitSet(MAX + 1);
    int lo = Math.max(MIN, from);
    int hi = Math.min(MAX, to);
    if (lo <= hi) {
      bits.set(lo, hi + 1);
    }
    return new StatusCodes(bits);
  }

  /** The empty set. */
  public static StatusCodes none() {
    return NONE;
  }

  /**
   * Parses a comma list of codes and inclusive ranges, e.g. {@code "429, 500-599"}. Blank
   * items are skipped.
   *
   * @throws IllegalArgumentException naming the first bad item
   */
  public static StatusCodes parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no status codes");
    }
    BitSet bits = new BitSet(MAX + 1);
    for (String raw : text.split(",", -1)) {
      String item = raw.trim();
      if (item.isEmpty()) {
        continue;
      }
      int dash = item.indexOf('-', 1);
      if (dash < 0) {
        bits.set(check(code(item)));
      } else {
        int from = check(code(item.substring(0, dash).trim()));
        int to = check(code(item.substring(dash + 1).trim()));
        if (from > to) {
          throw new IllegalArgumentException("'" + item + "' is an empty range");
        }
        bits.set(from, to + 1);
      }
    }
    return new StatusCodes(bits);
  }

  public boolean contains(int status) {
    return status >= MIN && status <= MAX && bits.get(status);
  }

  public boolean isEmpty() {
    return bits.isEmpty();
  }

  public StatusCodes union(StatusCodes other) {
    if (other.bits.isEmpty()) {
      return this;
    }
    BitSet b = (BitSet) bits.clone();
    b.or(other.bits);
    return new StatusCodes(b);
  }

  private static int code(String s) {
    if (s.isEmpty() || s.length() > 3) {
      throw new IllegalArgumentException("'" + s + "' is not a status code");
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        throw new IllegalArgumentException("'" + s + "' is not a status code");
      }
    }
    return Integer.parseInt(s);
  }

  private static int check(int c) {
    if (c < MIN || c > MAX) {
      throw new IllegalArgumentException(c + " is not a status code (" + MIN + ".." + MAX + ")");
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusCodes && ((StatusCodes) o).bits.equals(bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }

  /** E.g. {@code 429,500-504}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    int from = bits.nextSetBit(0);
    while (from >= 0) {
      int to = bits.nextClearBit(from) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(from);
      if (to > from) {
        sb.append('-').append(to);
      }
      from = bits.nextSetBit(to + 1);
    }
    return sb.toString();
  }
}
