package dev.tollgate.instrumentation.springreactor;

import dev.tollgate.pipeline.LlmCall;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;

/**
 * A cache hit as a WebClient response: the stored status, headers and body bytes (a streamed
 * answer is the same SSE bytes), read through the call's tee like a live body, so the codec
 * records the replayed answer. No connection is made. A helper class.
 */
final class CachedClientHttpResponse implements ClientHttpResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final LlmCall call;

  CachedClientHttpResponse(int status, List<Map.Entry<String, String>> storedHeaders, byte[] body,
      List<Map.Entry<String, String>> extraHeaders, LlmCall call) {
    this.status = status;
    HttpHeaders h = new HttpHeaders();
    for (Map.Entry<String, String> e : storedHeaders) {
      h.add(e.getKey(), e.getValue());
    }
    h.setContentLength(body.length);
    this.headers = OutgoingRequests.withExtra(h, extraHeaders);
    this.body = body;
    this.call = call;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return HttpStatusCode.valueOf(status);
  }

  @Override
  public HttpHeaders getHeaders() {
    return headers;
  }

  @Override
  public MultiValueMap<String, ResponseCookie> getCookies() {
    return new LinkedMultiValueMap<>();
  }

  @Override
  public Flux<DataBuffer> getBody() {
    byte[] bytes = body; // a lambda capturing this injected class would not link (see ReactorExchange)
    return TeeClientHttpResponse.tee(
        Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes))), call);
  }
}
