package dev.tollgate.pipeline;

import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Starts a call the way an adapter does: control headers parsed, the endpoint recognised, the policies resolved. */
final class TestCalls {
  private TestCalls() {}

  static LlmCall start(Gateway gateway, URI uri, byte[] body, Map<String, String> requestHeaders) {
    Map<String, String> lower = new HashMap<>();
    ControlHeaders.Builder control = ControlHeaders.builder();
    requestHeaders.forEach((k, v) -> {
      control.accept(k, v);
      lower.put(k.toLowerCase(Locale.ROOT), v);
    });
    HeaderLookup lookup = name -> lower.get(name.toLowerCase(Locale.ROOT));
    Endpoint endpoint = gateway.recognize(uri.getHost(), 443, uri.getPath(), lookup);
    return gateway.start(endpoint, uri, uri.getHost(), 443, uri.getPath(), control.build(), lookup, body);
  }
}
