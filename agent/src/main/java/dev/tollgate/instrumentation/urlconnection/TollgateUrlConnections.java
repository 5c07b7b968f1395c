package dev.tollgate.instrumentation.urlconnection;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.OwnTraffic;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

/**
 * Decides, when a {@code URL} has just opened a connection, whether it is an LLM call to take
 * over. Only the JDK's own http/https connection classes are wrapped (a custom
 * {@code URLStreamHandler}'s connection is left alone), and only for a host and path the
 * recognizer knows. The request headers are not set yet at this point: a path that needs one
 * (Anthropic's {@code /v1/messages} on an unknown host needs {@code anthropic-version}) is
 * wrapped tentatively and judged again, with the headers, when the request goes out; if it is
 * then not an LLM call, the wrapper sends it as it is and stays out of the way.
 */
public final class TollgateUrlConnections {
  static final String JDK_HTTP = "sun.net.www.protocol.http.HttpURLConnection";
  static final String JDK_HTTPS = "sun.net.www.protocol.https.HttpsURLConnectionImpl";
  /** At openConnection time any header might still be set. */
  private static final HeaderLookup ANY_HEADER = name -> "";

  private TollgateUrlConnections() {}

  /** Called from the advice; returns the connection to give the application. Never throws. */
  public static Object wrap(Object connection, URL url, Proxy proxy) {
    try {
      if (!(connection instanceof HttpURLConnection) || connection instanceof TollgateHttpURLConnection
          || connection instanceof TollgateHttpsURLConnection) {
        return connection;
      }
      String type = connection.getClass().getName();
      boolean https = type.equals(JDK_HTTPS);
      if (!https && !type.equals(JDK_HTTP)) {
        return connection;
      }
      Gateway gateway = Tollgate.gateway();
      if (gateway == null || Tollgate.isSuppressed() || OwnTraffic.active()) {
        return connection;
      }
      Endpoint endpoint = Tollgate.recognize(url.getHost(), port(url), path(url), ANY_HEADER);
      if (endpoint == null) {
        return connection;
      }
      gateway.warmUp();
      return https
          ? new TollgateHttpsURLConnection(url, proxy, (HttpsURLConnection) connection)
          : new TollgateHttpURLConnection(url, proxy, (HttpURLConnection) connection);
    } catch (Throwable t) {
      TollgateLog.warnOnce("urlconnection:wrap", "could not take over an HttpURLConnection; it goes out untouched", t);
      return connection;
    }
  }

  static int port(URL url) {
    return url.getPort() == -1 ? url.getDefaultPort() : url.getPort();
  }

  static String path(URL url) {
    String p = url.getPath();
    return p == null || p.isEmpty() ? "/" : p;
  }
}
