package dev.tollgate.provider;

import dev.tollgate.internal.TollgateLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides, for every outgoing request of an instrumented client, whether it is an LLM call.
 *
 * <p>Why it is shaped like this: it runs on every HTTP request the application makes, LLM or
 * not, so the common "no" must cost a hash look-up and a few {@code endsWith} checks — no
 * regex, no allocation. Order (SPEC.md): a configured {@code tollgate.endpoints} mapping, a
 * known vendor host, then a known API path on any host (when {@code detect-by-path} is on).
 */
public final class EndpointRecognizer {
  private final Map<String, Vendor> mappedHostPorts;
  private final Map<String, Vendor> exactHosts;
  private final List<String> suffixes;
  private final List<Vendor> suffixVendors;
  private final boolean detectByPath;

  private static final Vendor PATH_OPENAI = Vendor.forName("openai");
  private static final Vendor PATH_ANTHROPIC = Vendor.forName("anthropic");
  private static final Vendor PATH_GEMINI = Vendor.forName("gcp.gemini");

  public EndpointRecognizer(String endpointsSetting, boolean detectByPath) {
    this.detectByPath = detectByPath;
    this.exactHosts = new HashMap<>();
    this.suffixes = new ArrayList<>();
    this.suffixVendors = new ArrayList<>();
    for (Vendor v : Vendor.KNOWN) {
      String p = v.hostPattern();
      if (p.startsWith("*.")) {
        suffixes.add(p.substring(1));
        suffixVendors.add(v);
      } else {
        exactHosts.put(p, v);
      }
    }
    this.mappedHostPorts = parseMappings(endpointsSetting);
  }

  /**
   * Parses {@code host[:port]=provider,...}. Bad entries are logged once and skipped.
   * Keys are {@code host} or {@code host:port}, lower case.
   */
  static Map<String, Vendor> parseMappings(String setting) {
    Map<String, Vendor> map = new HashMap<>();
    if (setting == null || setting.isBlank()) {
      return map;
    }
    for (String entry : setting.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        TollgateLog.warnOnce("config:endpoints:" + e, "ignoring tollgate.endpoints entry '" + e
            + "': expected host[:port]=provider, e.g. localhost:8089=openai");
        continue;
      }
      map.put(e.substring(0, eq).trim().toLowerCase(Locale.ROOT), Vendor.forName(e.substring(eq + 1)));
    }
    return map;
  }

  /**
   * The endpoint of a request, or null when it is not an LLM call.
   *
   * @param host the request's host (any case)
   * @param port the request's port, or -1 for the scheme's default
   * @param path the raw path without query, never null
   * @param headers the request headers (only consulted for Anthropic's path on unknown hosts)
   */
  public Endpoint recognize(String host, int port, String path, HeaderLookup headers) {
    if (host == null || path == null) {
      return null;
    }
    String h = lowerCase(host);
    if (!mappedHostPorts.isEmpty()) {
      Vendor mapped = port >= 0 ? mappedHostPorts.get(h + ":" + port) : null;
      if (mapped == null) {
        mapped = mappedHostPorts.get(h);
      }
      if (mapped != null) {
        WireFormat f = mapped.family().formatOf(path);
        return f == null ? null : new Endpoint(mapped, f, false);
      }
    }
    Vendor known = exactHosts.get(h);
    if (known == null) {
      for (int i = 0; i < suffixes.size(); i++) {
        if (h.endsWith(suffixes.get(i))) {
          known = suffixVendors.get(i);
          break;
        }
      }
    }
    if (known != null) {
      WireFormat f = known.family().formatOf(path);
      return f == null ? null : new Endpoint(known, f, false);
    }
    boolean helicone = h.endsWith(".helicone.ai");
    if (!detectByPath && !helicone) {
      return null;
    }
    return byPath(path, headers, helicone);
  }

  private static Endpoint byPath(String path, HeaderLookup headers, boolean observeOnly) {
    if (path.endsWith("/v1/chat/completions")) {
      return new Endpoint(PATH_OPENAI, WireFormat.OPENAI_CHAT, observeOnly);
    }
    if (path.endsWith("/v1/completions")) {
      return new Endpoint(PATH_OPENAI, WireFormat.OPENAI_COMPLETIONS, observeOnly);
    }
    if (path.endsWith("/v1/responses")) {
      return new Endpoint(PATH_OPENAI, WireFormat.OPENAI_RESPONSES, observeOnly);
    }
    if (path.endsWith("/v1/embeddings")) {
      return new Endpoint(PATH_OPENAI, WireFormat.OPENAI_EMBEDDINGS, observeOnly);
    }
    if (ApiFamily.geminiFormatOf(path) != null) {
      return new Endpoint(PATH_GEMINI, WireFormat.GEMINI_GENERATE_CONTENT, observeOnly);
    }
    if (path.endsWith("/v1/messages") && (observeOnly || headers.first("anthropic-version") != null)) {
      return new Endpoint(PATH_ANTHROPIC, WireFormat.ANTHROPIC_MESSAGES, observeOnly);
    }
    return null;
  }

  private static String lowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return s.toLowerCase(Locale.ROOT);
      }
    }
    return s;
  }
}
