package dev.tollgate.policy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cache keys of one request: one per bucket slot ({@code Cache-Bucket-Max-Size}).
 *
 * <p>Each key is the lower-case hex SHA-256 of a request digest and the slot index; the request
 * digest is the SHA-256 of, in this order and each length-prefixed or tagged so that no two
 * different inputs run together: a format version, the provider, the path, the body, the seed
 * and a SHA-256 of the credential. The body counts as its canonical
 * JSON — object keys sorted (by UTF-16 code units) at every depth, insignificant whitespace
 * gone, strings re-escaped one way, numbers as written, top-level {@code ignoreKeys} removed;
 * for a duplicated key the last one counts — so that an SDK's field order or pretty-printing
 * doesn't split entries. A body that is not JSON is hashed as raw bytes (tagged apart from
 * JSON).
 *
 * <p>Why the credential is hashed, then hashed again into the key: two API keys must never
 * share an answer (SPEC.md), yet nothing derived reversibly from a key may be kept. This
 * object holds only the final hex keys; the credential is not retained, logged or put in any
 * message.
 */
public final class CacheKeys {
  private static final byte[] VERSION = "tollgate-cache-v1".getBytes(StandardCharsets.UTF_8);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String[] slots;

  private CacheKeys(String[] slots) {
    this.slots = slots;
  }

  /**
   * The keys of every slot of this request's bucket. Never throws for any body; null
   * provider, path, body or credential are allowed (each hashed as "absent").
   */
  public static CacheKeys of(String provider, String path, byte[] body, String credential, CacheSettings settings) {
    MessageDigest base = sha256();
    base.update(VERSION);
    field(base, provider);
    field(base, path);
    byte[] canonical = canonicalJson(body, settings.ignoreKeys());
    if (canonical != null) {
      base.update((byte) 'J');
      field(base, canonical);
    } else {
      base.update((byte) 'R');
      field(base, body == null ? new byte[0] : body);
    }
    field(base, settings.seed());
    if (credential == null || credential.isEmpty()) {
      base.update((byte) 0);
    } else {
      base.update((byte) 1);
      byte[] credentialBytes = credential.getBytes(StandardCharsets.UTF_8);
      byte[] credentialHash = sha256().digest(credentialBytes);
      Arrays.fill(credentialBytes, (byte) 0);
      base.update(credentialHash);
    }
    byte[] request = base.digest();
    String[] slots = new String[settings.bucketMaxSize()];
    for (int i = 0; i < slots.length; i++) {
      MessageDigest d = sha256();
      d.update(request);
      d.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
      slots[i] = hex(d.digest());
    }
    return new CacheKeys(slots);
  }

  /** The key of slot {@code index} (0-based). */
  public String slot(int index) {
    return slots[index];
  }

  /** The number of slots: the bucket size. */
  public int size() {
    return slots.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKeys && Arrays.equals(slots, ((CacheKeys) o).slots);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(slots);
  }

  /** The slot keys: hashes only. */
  @Override
  public String toString() {
    return "CacheKeys" + Arrays.toString(slots);
  }

  /** The canonical form of a JSON body, or null when it is not (exactly one) JSON value. */
  static byte[] canonicalJson(byte[] body, Set<String> ignoreTopLevel) {
    if (body == null || body.length == 0) {
      return null;
    }
    try (JsonParser p = PolicyJson.FACTORY.createParser(body)) {
      if (p.nextToken() == null) {
        return null;
      }
      Object tree = read(p);
      if (p.nextToken() != null) {
        return null;
      }
      if (tree instanceof Map && !ignoreTopLevel.isEmpty()) {
        ((Map<?, ?>) tree).keySet().removeAll(ignoreTopLevel);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
      try (JsonGenerator g = PolicyJson.FACTORY.createGenerator(out)) {
        write(g, tree);
      }
      return out.toByteArray();
    } catch (IOException | RuntimeException | StackOverflowError e) {
      return null;
    }
  }

  /** A number kept as written, so that {@code 1} and {@code 1.0} are not merged. */
  private static final class Num {
    final String text;

    Num(String text) {
      this.text = text;
    }
  }

  /** A string value, kept apart from numbers. */
  private static final class Str {
    final String text;

    Str(String text) {
      this.text = text;
    }
  }

  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        TreeMap<String, Object> m = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, read(p));
        }
        return m;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case VALUE_STRING:
        return new Str(p.getText());
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return new Num(p.getText());
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected token " + t);
    }
  }

  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        g.writeFieldName((String) e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List) {
      g.writeStartArray();
      for (Object o : (List<?>) v) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Str) {
      g.writeString(((Str) v).text);
    } else if (v instanceof Num) {
      g.writeNumber(((Num) v).text);
    } else if (v instanceof Boolean) {
      g.writeBoolean((Boolean) v);
    } else {
      g.writeNull();
    }
  }

  private static void field(MessageDigest d, String s) {
    if (s == null) {
      d.update((byte) 0);
    } else {
      d.update((byte) 1);
      field(d, s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void field(MessageDigest d, byte[] b) {
    int n = b.length;
    d.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    d.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  private static String hex(byte[] bytes) {
    char[] c = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      c[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      c[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(c);
  }
}
