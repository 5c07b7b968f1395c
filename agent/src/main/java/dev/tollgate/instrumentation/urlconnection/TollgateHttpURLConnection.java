package dev.tollgate.instrumentation.urlconnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.util.List;
import java.util.Map;

/**
 * The application's view of an LLM call over plain http: see {@link UrlConnectionExchange}.
 * The application's settings stay in this object's own {@code URLConnection} fields (so the
 * JDK's validation and defaults apply); everything that touches the network is forwarded to
 * {@link UrlConnectionExchange}.
 */
public final class TollgateHttpURLConnection extends HttpURLConnection {
  private final UrlConnectionExchange exchange;

  TollgateHttpURLConnection(URL url, Proxy proxy, HttpURLConnection jdkConnection) {
    super(url);
    this.exchange = new UrlConnectionExchange(this, url, proxy, jdkConnection);
  }

  /** Fixes the request headers; the request itself goes out with the first response-side call. */
  @Override
  public void connect() {
    if (!connected) {
      exchange.captureHeaders(getRequestProperties());
      connected = true;
    }
  }

  private void ensureResponse() throws IOException {
    connect();
    exchange.exchange(chunkLength, Math.max(fixedContentLength, fixedContentLengthLong));
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    if (!doOutput) {
      throw new java.net.ProtocolException("cannot write to a URLConnection if doOutput=false - call setDoOutput(true)");
    }
    if (!exchange.started() && "GET".equals(method)) {
      method = "POST"; // as the JDK's HttpURLConnection does
    }
    connect();
    return exchange.outputStream();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    if (!doInput) {
      throw new java.net.ProtocolException("Cannot read from URLConnection if doInput=false (call setDoInput(true))");
    }
    ensureResponse();
    return exchange.inputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return connected && exchange.started() ? exchange.errorStream() : null;
  }

  @Override
  public int getResponseCode() throws IOException {
    ensureResponse();
    return exchange.responseCode();
  }

  @Override
  public String getResponseMessage() throws IOException {
    ensureResponse();
    return exchange.responseMessage();
  }

  @Override
  public String getHeaderField(String name) {
    try {
      ensureResponse();
    } catch (IOException e) {
      return null;
    }
    return exchange.header(name);
  }

  @Override
  public String getHeaderFieldKey(int n) {
    try {
      ensureResponse();
    } catch (IOException e) {
      return null;
    }
    return exchange.headerKey(n);
  }

  @Override
  public String getHeaderField(int n) {
    try {
      ensureResponse();
    } catch (IOException e) {
      return null;
    }
    return exchange.header(n);
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    try {
      ensureResponse();
    } catch (IOException e) {
      return Map.of();
    }
    return exchange.headers();
  }

  @Override
  public void setAuthenticator(Authenticator auth) {
    if (auth == null) {
      throw new NullPointerException("auth");
    }
    if (connected) {
      throw new IllegalStateException("Already connected");
    }
    exchange.setAuthenticator(auth);
  }

  @Override
  public URL getURL() {
    return exchange.currentUrl();
  }

  @Override
  public void disconnect() {
    exchange.disconnect();
  }

  @Override
  public boolean usingProxy() {
    return exchange.usingProxy();
  }

  @Override
  public String toString() {
    return exchange.describe();
  }
}
