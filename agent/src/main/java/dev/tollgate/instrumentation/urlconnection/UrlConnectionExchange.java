package dev.tollgate.instrumentation.urlconnection;

import dev.tollgate.instrumentation.TeeInputStream;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.AttemptPlan;
import dev.tollgate.pipeline.BlockingAttempts;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.policy.CachedResponse;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.HttpsURLConnection;

/**
 * One LLM call made through an {@code HttpURLConnection}: the state and the work behind the
 * two wrapper classes (http and https), which only forward to it.
 *
 * <p>Why a wrapper at all: the application writes the body into {@code getOutputStream()}
 * before it asks for the response, and under retry or fallback one request may need several
 * real connections. So the wrapper keeps the application's settings (in its own
 * {@code URLConnection} fields), buffers the body, and on the first response-side call
 * ({@code getResponseCode}, {@code getInputStream}, {@code getHeaderField}...) makes the
 * exchange through the JDK's connection(s), then serves status, headers and body from the one
 * delivered: the body read through {@link TeeInputStream}, chunk by chunk as the app reads it,
 * or a cached answer from memory.
 *
 * <p>If the request turns out not to be an LLM call once its headers are known, or preparing it
 * fails, it is sent as the application built it and served unobserved.
 */
final class UrlConnectionExchange {
  private static final int MAX_OBSERVED_BODY = 8 << 20;

  private final HttpURLConnection self;
  private final URL url;
  private final Proxy proxy;
  private HttpURLConnection first;
  private Authenticator authenticator;
  private Map<String, List<String>> requestHeaders;
  private RequestBody requestBody;
  private boolean started;
  private IOException failure;

  private LlmCall call;
  private HttpURLConnection active;
  private CachedResponse cached;
  private List<Map.Entry<String, String>> extras = List.of();
  private int activeHeaderCount = -1;
  private InputStream in;
  private InputStream err;

  UrlConnectionExchange(HttpURLConnection self, URL url, Proxy proxy, HttpURLConnection first) {
    this.self = self;
    this.url = url;
    this.proxy = proxy;
    this.first = first;
  }

  // ---- request side

  void setAuthenticator(Authenticator a) {
    this.authenticator = a;
  }

  /** The application's request headers, captured when the wrapper connects (they are fixed from then on). */
  void captureHeaders(Map<String, List<String>> headers) {
    if (requestHeaders == null) {
      requestHeaders = headers;
    }
  }

  OutputStream outputStream() throws IOException {
    if (started) {
      throw new java.net.ProtocolException("Cannot write output after reading input.");
    }
    if (requestBody == null) {
      requestBody = new RequestBody();
    }
    return requestBody;
  }

  boolean started() {
    return started;
  }

  // ---- the exchange

  /**
   * Makes the exchange once; afterwards rethrows its failure, if it failed.
   *
   * @param chunkLength the application's chunked streaming mode (-1: none)
   * @param fixedLength the application's fixed-length streaming mode (-1: none)
   */
  void exchange(int chunkLength, long fixedLength) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (started) {
      return;
    }
    started = true;
    byte[] body = null;
    if (requestBody != null) {
      body = requestBody.seal();
    }
    Map<String, List<String>> send = requestHeaders == null ? Map.of() : requestHeaders;
    LlmCall c = null;
    try {
      Prepared p = prepare(send, body);
      if (p != null) {
        c = p.call;
        send = p.headers;
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("urlconnection:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on HttpURLConnection; it goes out untouched", t);
      c = null;
      send = requestHeaders == null ? Map.of() : requestHeaders;
    }
    call = c;
    try {
      if (c != null && c.hasPolicies()) {
        withPolicies(c, send, body, chunkLength, fixedLength);
      } else {
        boolean was = Tollgate.enterHandling();
        HttpURLConnection real;
        int status;
        try {
          real = connection(null);
          status = send(real, null, send, body, chunkLength, fixedLength);
        } finally {
          Tollgate.exitHandling(was);
        }
        deliver(real, status);
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e instanceof IOException ? (IOException) e : new IOException(e);
      if (c != null) {
        c.onError(e);
      }
      throw e;
    }
  }

  private static final class Prepared {
    LlmCall call;
    Map<String, List<String>> headers;
  }

  private Prepared prepare(Map<String, List<String>> headers, byte[] body) throws Exception {
    TreeMap<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null) {
        byName.put(e.getKey(), e.getValue());
      }
    }
    HeaderLookup lookup = name -> {
      List<String> v = byName.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    };
    String host = url.getHost();
    int port = TollgateUrlConnections.port(url);
    String path = TollgateUrlConnections.path(url);
    Endpoint endpoint = Tollgate.recognize(host, port, path, lookup);
    Gateway gateway = Tollgate.gateway();
    if (endpoint == null || gateway == null) {
      return null;
    }
    ControlHeaders.Builder control = ControlHeaders.builder();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null) {
        for (String v : e.getValue()) {
          control.accept(e.getKey(), v);
        }
      }
    }
    ControlHeaders controls = control.build();
    Prepared p = new Prepared();
    p.headers = headers;
    if (controls.any() && !endpoint.observeOnly()) {
      Map<String, List<String>> kept = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() == null || !ControlHeaders.isControlHeader(e.getKey())) {
          kept.put(e.getKey(), e.getValue());
        }
      }
      p.headers = kept;
    }
    URI uri;
    try {
      uri = url.toURI();
    } catch (Exception e) {
      uri = null;
    }
    byte[] observed = body != null && body.length <= MAX_OBSERVED_BODY ? body : new byte[0];
    p.call = gateway.start(endpoint, uri, host, port, path, controls, lookup, observed);
    // every attempt sends these headers: the trace headers are added once, here
    List<Map.Entry<String, String>> traceHeaders = p.call.traceHeaders(lookup);
    if (!traceHeaders.isEmpty()) {
      Map<String, List<String>> withTrace = new LinkedHashMap<>(p.headers);
      for (Map.Entry<String, String> h : traceHeaders) {
        withTrace.put(h.getKey(), List.of(h.getValue()));
      }
      p.headers = withTrace;
    }
    return p;
  }

  private void withPolicies(LlmCall c, Map<String, List<String>> headers, byte[] body, int chunkLength,
      long fixedLength) throws IOException {
    try {
      CachedResponse hit = c.cachedReply();
      if (hit != null) {
        deliverCached(hit, c);
        return;
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("urlconnection:cache-serve", "could not serve a cached answer; calling the provider", t);
    }
    Sent sent = BlockingAttempts.run(c, new BlockingAttempts.Transport<Sent, RuntimeException>() {
      @Override
      public Sent send(AttemptPlan plan) throws IOException {
        HttpURLConnection real = connection(plan);
        byte[] attemptBody = plan.isOriginalRequest() || body == null ? body : plan.body();
        return new Sent(real, UrlConnectionExchange.this.send(real, plan, headers, attemptBody, chunkLength, fixedLength));
      }

      @Override
      public int status(Sent s) {
        return s.status;
      }

      @Override
      public HeaderLookup headers(Sent s) {
        return s.real::getHeaderField;
      }

      @Override
      public void discard(Sent s) {
        UrlConnectionExchange.this.discard(s.real, s.status);
      }
    });
    deliver(sent.real, sent.status);
  }

  /** An attempt's connection and the status it answered with. */
  private static final class Sent {
    final HttpURLConnection real;
    final int status;

    Sent(HttpURLConnection real, int status) {
      this.real = real;
      this.status = status;
    }
  }

  /** The JDK connection for an attempt: the one the application opened for its own request, once; else a new one. */
  private HttpURLConnection connection(AttemptPlan plan) throws IOException {
    URL target = plan == null || plan.isOriginalRequest() ? url : plan.uri().toURL();
    if (target == url && first != null) {
      HttpURLConnection c = first;
      first = null;
      return c;
    }
    // BlockingAttempts set Tollgate.enterHandling(): the advice on URL.openConnection leaves this one alone
    java.net.URLConnection c = proxy == null ? target.openConnection() : target.openConnection(proxy);
    if (!(c instanceof HttpURLConnection)) {
      throw new IOException("not an HTTP URL: " + target);
    }
    return (HttpURLConnection) c;
  }

  /** Configures {@code real} as the application configured its connection, sends, and returns the status. */
  private int send(HttpURLConnection real, AttemptPlan plan, Map<String, List<String>> headers, byte[] body,
      int chunkLength, long fixedLength) throws IOException {
    real.setRequestMethod(self.getRequestMethod());
    real.setDoInput(self.getDoInput());
    real.setConnectTimeout(self.getConnectTimeout());
    real.setReadTimeout(self.getReadTimeout());
    real.setUseCaches(self.getUseCaches());
    real.setIfModifiedSince(self.getIfModifiedSince());
    real.setAllowUserInteraction(self.getAllowUserInteraction());
    real.setInstanceFollowRedirects(self.getInstanceFollowRedirects());
    if (authenticator != null) {
      real.setAuthenticator(authenticator);
    }
    if (self instanceof HttpsURLConnection && real instanceof HttpsURLConnection) {
      HttpsURLConnection app = (HttpsURLConnection) self;
      HttpsURLConnection out = (HttpsURLConnection) real;
      if (app.getSSLSocketFactory() != HttpsURLConnection.getDefaultSSLSocketFactory()) {
        out.setSSLSocketFactory(app.getSSLSocketFactory());
      }
      if (app.getHostnameVerifier() != HttpsURLConnection.getDefaultHostnameVerifier()) {
        out.setHostnameVerifier(app.getHostnameVerifier());
      }
    }
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      String name = e.getKey();
      if (name == null || (plan != null && (plan.removedHeaders().contains(name.toLowerCase(Locale.ROOT))
          || containsIgnoreCase(plan.headers(), name)))) {
        continue;
      }
      boolean firstValue = true;
      for (String v : e.getValue()) {
        if (firstValue) {
          real.setRequestProperty(name, v);
          firstValue = false;
        } else {
          real.addRequestProperty(name, v);
        }
      }
    }
    if (plan != null) {
      plan.headers().forEach(real::setRequestProperty);
    }
    if (body != null) {
      real.setDoOutput(true);
      if (fixedLength >= 0) {
        real.setFixedLengthStreamingMode((long) body.length);
      } else if (chunkLength != -1) {
        real.setChunkedStreamingMode(chunkLength);
      }
      try (OutputStream out = real.getOutputStream()) {
        out.write(body);
      }
    }
    return real.getResponseCode();
  }

  private static boolean containsIgnoreCase(Map<String, String> map, String name) {
    for (String k : map.keySet()) {
      if (k.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** A response the policies decided not to deliver: closed, its connection freed. */
  private static void discard(HttpURLConnection real, int status) {
    try {
      InputStream s = status >= 400 ? real.getErrorStream() : real.getInputStream();
      if (s != null) {
        s.close();
      }
    } catch (Throwable t) {
      real.disconnect();
    }
  }

  private void deliver(HttpURLConnection real, int status) {
    active = real;
    LlmCall c = call;
    if (c == null) {
      return;
    }
    try {
      extras = c.extraResponseHeaders();
      List<Map.Entry<String, String>> all = null;
      if (c.wantsResponseHeaders()) {
        all = new ArrayList<>();
        for (int i = 0; i < activeHeaderCount(); i++) {
          String k = real.getHeaderFieldKey(i);
          if (k != null) {
            all.add(new AbstractMap.SimpleImmutableEntry<>(k, real.getHeaderField(i)));
          }
        }
      }
      c.onResponseHead(status, real::getHeaderField, all);
    } catch (Throwable t) {
      TollgateLog.warnOnce("urlconnection:response", "could not observe an HttpURLConnection response", t);
    }
  }

  private void deliverCached(CachedResponse hit, LlmCall c) {
    List<Map.Entry<String, String>> extra = c.extraResponseHeaders();
    List<Map.Entry<String, String>> view = new ArrayList<>();
    for (Map.Entry<String, String> h : hit.headers()) {
      if (!containsName(extra, h.getKey())) {
        view.add(h);
      }
    }
    view.addAll(extra);
    cached = hit;
    extras = Collections.unmodifiableList(view);
    c.onResponseHead(hit.status(), name -> last(extras, name));
  }

  private static boolean containsName(List<Map.Entry<String, String>> list, String name) {
    for (Map.Entry<String, String> e : list) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String last(List<Map.Entry<String, String>> list, String name) {
    String found = null;
    for (Map.Entry<String, String> e : list) {
      if (e.getKey().equalsIgnoreCase(name)) {
        found = e.getValue();
      }
    }
    return found;
  }

  // ---- response side (after exchange() returned)

  int responseCode() throws IOException {
    return cached != null ? cached.status() : active.getResponseCode();
  }

  String responseMessage() throws IOException {
    return cached != null ? reason(cached.status()) : active.getResponseMessage();
  }

  InputStream inputStream() throws IOException {
    if (in != null) {
      return in;
    }
    if (cached != null) {
      int status = cached.status();
      if (status >= 400) {
        String message = "Server returned HTTP response code: " + status + " for URL: " + url;
        throw status == 404 || status == 410 ? new FileNotFoundException(url.toString()) : new IOException(message);
      }
      in = new TeeInputStream(new ByteArrayInputStream(cached.body()), call);
      return in;
    }
    InputStream raw = active.getInputStream();
    in = call == null ? raw : new TeeInputStream(raw, call);
    return in;
  }

  InputStream errorStream() {
    if (err != null) {
      return err;
    }
    if (cached != null) {
      if (cached.status() < 400) {
        return null;
      }
      err = new TeeInputStream(new ByteArrayInputStream(cached.body()), call);
      return err;
    }
    if (active == null) {
      return null;
    }
    InputStream raw = active.getErrorStream();
    if (raw == null) {
      return null;
    }
    err = call == null ? raw : new TeeInputStream(raw, call);
    return err;
  }

  String header(String name) {
    if (name == null) {
      return cached != null ? statusLine() : active.getHeaderField(null);
    }
    String extra = last(extras, name);
    if (extra != null || cached != null) {
      return extra;
    }
    return active.getHeaderField(name);
  }

  String headerKey(int i) {
    if (cached != null) {
      return i <= 0 || i > extras.size() ? null : extras.get(i - 1).getKey();
    }
    int n = activeHeaderCount();
    if (i < n) {
      return active.getHeaderFieldKey(i);
    }
    return i - n < extras.size() ? extras.get(i - n).getKey() : null;
  }

  String header(int i) {
    if (cached != null) {
      if (i == 0) {
        return statusLine();
      }
      return i < 0 || i > extras.size() ? null : extras.get(i - 1).getValue();
    }
    int n = activeHeaderCount();
    if (i < n) {
      return active.getHeaderField(i);
    }
    return i - n < extras.size() ? extras.get(i - n).getValue() : null;
  }

  Map<String, List<String>> headers() {
    if (cached == null && extras.isEmpty()) {
      return active.getHeaderFields();
    }
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (cached != null) {
      m.put(null, List.of(statusLine()));
    } else {
      m.putAll(active.getHeaderFields());
    }
    for (Map.Entry<String, String> e : extras) {
      String key = e.getKey();
      for (String k : m.keySet()) {
        if (k != null && k.equalsIgnoreCase(key)) {
          key = k;
          break;
        }
      }
      List<String> values = cached != null && m.containsKey(key) ? new ArrayList<>(m.get(key)) : new ArrayList<>();
      values.add(e.getValue());
      m.put(key, Collections.unmodifiableList(values));
    }
    return Collections.unmodifiableMap(m);
  }

  private int activeHeaderCount() {
    if (activeHeaderCount < 0) {
      int n = 0;
      while (active.getHeaderField(n) != null) {
        n++;
      }
      activeHeaderCount = n;
    }
    return activeHeaderCount;
  }

  private String statusLine() {
    String reason = reason(cached.status());
    return "HTTP/1.1 " + cached.status() + (reason == null ? "" : " " + reason);
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 201:
        return "Created";
      case 204:
        return "No Content";
      default:
        return null;
    }
  }

  URL currentUrl() {
    return active != null ? active.getURL() : url;
  }

  boolean usingProxy() {
    HttpURLConnection c = active != null ? active : first;
    return c != null && c.usingProxy();
  }

  /** The delivered connection, for the TLS details of an https call. */
  HttpsURLConnection secure() {
    if (active instanceof HttpsURLConnection) {
      return (HttpsURLConnection) active;
    }
    throw new IllegalStateException(cached != null ? "answered from Tollgate's cache: no TLS session"
        : "connection not yet open");
  }

  void disconnect() {
    HttpURLConnection c = active != null ? active : first;
    if (c != null) {
      c.disconnect();
    }
    if (call != null) {
      call.onClosedEarly();
    }
  }

  String describe() {
    return (active != null ? active : first != null ? first : self).getClass().getName() + ":" + url;
  }

  /** The request body as the application writes it; sent as one piece once the exchange starts. */
  private static final class RequestBody extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean sealed;

    @Override
    public void write(int b) throws IOException {
      check();
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      check();
      bytes.write(b, off, len);
    }

    private void check() throws IOException {
      if (sealed) {
        throw new IOException("Stream is closed");
      }
    }

    byte[] seal() {
      sealed = true;
      return bytes.toByteArray();
    }
  }
}
