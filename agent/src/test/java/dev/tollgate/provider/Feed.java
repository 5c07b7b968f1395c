package dev.tollgate.provider;

import dev.tollgate.telemetry.CallRecord;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Feeds a body to an observer in different chunkings, and compares the records they produce. */
final class Feed {
  private Feed() {}

  /** A way of cutting a body into chunks. */
  interface Chunking {
    void feed(ResponseObserver o, byte[] body);
  }

  static final Chunking WHOLE = (o, body) -> pass(o, copy(body, 0, body.length), 0, body.length);

  static final Chunking ONE_BYTE = (o, body) -> {
    for (int i = 0; i < body.length; i++) {
      pass(o, copy(body, i, 1), 0, 1);
    }
  };

  /** Random chunk sizes (1..300) with a fixed seed, passed at a random offset in a larger array. */
  static Chunking random(long seed) {
    return (o, body) -> {
      Random r = new Random(seed);
      int i = 0;
      while (i < body.length) {
        int n = Math.min(body.length - i, 1 + r.nextInt(300));
        int pad = r.nextInt(8);
        byte[] buf = new byte[pad + n + r.nextInt(8)];
        Arrays.fill(buf, (byte) '#'); // bytes outside [offset, offset+length) must be ignored
        System.arraycopy(body, i, buf, pad, n);
        pass(o, buf, pad, n);
        i += n;
      }
    };
  }

  static final List<Chunking> ALL = List.of(WHOLE, ONE_BYTE, random(42), random(7), random(2024));

  /** Hands over a chunk, then scribbles over it: observers must not keep the array. */
  private static void pass(ResponseObserver o, byte[] buf, int off, int len) {
    o.onBytes(buf, off, len);
    Arrays.fill(buf, (byte) '#');
  }

  private static byte[] copy(byte[] body, int off, int len) {
    byte[] b = new byte[len];
    System.arraycopy(body, off, b, 0, len);
    return b;
  }

  /** Runs one response through a fresh observer and returns the record. */
  static CallRecord run(ProviderCodec codec, Supplier<CallRecord> records, byte[] body,
      boolean eventStream, Chunking chunking, boolean complete) {
    CallRecord r = records.get();
    ResponseObserver o = codec.newResponseObserver(r, eventStream);
    chunking.feed(o, body);
    o.onEnd(complete);
    return r;
  }

  /**
   * Runs the body in every chunking and asserts all records are identical; returns the first.
   */
  static CallRecord everyChunking(ProviderCodec codec, Supplier<CallRecord> records, byte[] body,
      boolean eventStream) {
    CallRecord first = null;
    String firstSnapshot = null;
    for (Chunking c : ALL) {
      CallRecord r = run(codec, records, body, eventStream, c, true);
      String s = snapshot(r);
      if (first == null) {
        first = r;
        firstSnapshot = s;
      } else if (!s.equals(firstSnapshot)) {
        throw new AssertionError("chunking changed the record:\n" + firstSnapshot + "\nvs\n" + s);
      }
    }
    return first;
  }

  /** Every public instance field of the record, as text. */
  static String snapshot(CallRecord r) {
    Map<String, Object> m = new TreeMap<>();
    for (Field f : CallRecord.class.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        try {
          m.put(f.getName(), f.get(r));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return m.toString();
  }
}
