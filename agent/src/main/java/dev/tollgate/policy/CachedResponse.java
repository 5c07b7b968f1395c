package dev.tollgate.policy;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A complete answer kept in the {@link ResponseCache}: status, headers in order, body bytes
 * (for a stream, the SSE bytes as received) and what the provider charged for it.
 *
 * <p>Why the cost is kept: a hit costs nothing but its span reports
 * {@code tollgate.cache.saved_usd}, what the original call cost. The body is copied in and out,
 * so that no caller can change an entry another call will be served.
 *
 * <p>Why the cost may arrive later: an answer is stored the moment its call ends, so the very
 * next identical call is a hit, but pricing it may wait for the price table (built on the
 * warm-up thread). Such an entry is created {@linkplain #awaitingCost awaiting its cost} and
 * {@linkplain #settleCost settled} once priced; a hit reads the cost when it ends.
 */
public final class CachedResponse {
  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final byte[] body;
  private volatile Double costUsd;
  private volatile boolean costPending;
  private final int weight;

  private CachedResponse(int status, List<Map.Entry<String, String>> headers, byte[] body, Double costUsd) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.costUsd = costUsd;
    long w = body.length;
    for (Map.Entry<String, String> h : headers) {
      w += utf8Length(h.getKey()) + utf8Length(h.getValue());
    }
    this.weight = (int) Math.min(Integer.MAX_VALUE, w);
  }

  /**
   * @param headers response headers in order (a name may repeat); null entries, names or
   *     values are rejected
   * @param costUsd what the provider charged, or null when unpriced
   * @throws IllegalArgumentException for a status outside 100..599, a null body or header part
   */
  public static CachedResponse of(int status, List<Map.Entry<String, String>> headers, byte[] body, Double costUsd) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not a status code: " + status);
    }
    Objects.requireNonNull(body, "body");
    List<Map.Entry<String, String>> copy = new ArrayList<>(headers == null ? 0 : headers.size());
    if (headers != null) {
      for (Map.Entry<String, String> h : headers) {
        if (h == null || h.getKey() == null || h.getValue() == null) {
          throw new IllegalArgumentException("a header entry, name or value is null");
        }
        copy.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue()));
      }
    }
    if (costUsd != null && !(costUsd >= 0 && Double.isFinite(costUsd))) {
      throw new IllegalArgumentException("cost must be a finite amount >= 0: " + costUsd);
    }
    return new CachedResponse(status, Collections.unmodifiableList(copy), body.clone(), costUsd);
  }

  /** Like {@link #of}, for an answer not priced yet: its cost is given later to {@link #settleCost}. */
  public static CachedResponse awaitingCost(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    CachedResponse r = of(status, headers, body, null);
    r.costPending = true;
    return r;
  }

  /**
   * Gives an entry {@linkplain #awaitingCost awaiting its cost} that cost (null when unpriced);
   * only the first call counts, and an entry created with its cost ignores it.
   */
  public void settleCost(Double cost) {
    synchronized (this) {
      if (!costPending) {
        return;
      }
      costPending = false;
      if (cost != null && cost >= 0 && Double.isFinite(cost)) {
        costUsd = cost;
      }
      notifyAll();
    }
  }

  /**
   * The cost, waiting at most {@code timeoutMillis} while it is still to be settled (the call
   * that stored this entry is being priced at this moment on another thread); null when unpriced.
   */
  public Double costUsd(long timeoutMillis) {
    synchronized (this) {
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      while (costPending) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return costUsd;
    }
  }

  public int status() {
    return status;
  }

  /** Unmodifiable, in the order received. */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  /** What the provider charged for the call that produced this answer; null when unpriced. */
  public Double costUsd() {
    return costUsd;
  }

  /** Bytes this entry counts against the cache bound: body plus header names and values (UTF-8). */
  int weight() {
    return weight;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Status, header names and sizes only: bodies and header values may hold personal data. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>(headers.size());
    headers.forEach(h -> names.add(h.getKey()));
    return "CachedResponse{status=" + status + ", headers=" + names + ", bodyBytes=" + body.length
        + (costUsd == null ? "" : ", costUsd=" + costUsd) + "}";
  }
}
