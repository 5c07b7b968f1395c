package dev.tollgate.instrumentation.okhttp;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.ApplicationSpanScope;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.LlmCall;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.provider.Endpoint;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

/**
 * The adapter for OkHttp 4.x and 5.x: an application interceptor added to every client
 * when it is built, last in the application's interceptor list, so it sees the request as
 * the app's own interceptors left it (their Helicone headers included).
 *
 * <p>A helper class: it is compiled against OkHttp and so is defined in the class loader
 * that loaded OkHttp (injected there by the agent), reaching the core through the bootstrap
 * {@link Tollgate}. It uses only API that OkHttp 4 and 5 share.
 */
public final class TollgateOkHttpInterceptor implements Interceptor {
  static final TollgateOkHttpInterceptor INSTANCE = new TollgateOkHttpInterceptor();
  private static final int MAX_OBSERVED_BODY = 8 << 20;

  private TollgateOkHttpInterceptor() {}

  /** Called from the advice on OkHttpClient's constructor; never throws. */
  public static void installOn(Object builderObject) {
    try {
      Gateway gateway = Tollgate.gateway();
      if (gateway == null || Tollgate.isSuppressed() || !(builderObject instanceof OkHttpClient.Builder)) {
        return;
      }
      List<Interceptor> interceptors = ((OkHttpClient.Builder) builderObject).interceptors();
      for (Interceptor i : interceptors) {
        if (i instanceof TollgateOkHttpInterceptor) {
          return; // newBuilder() of an instrumented client
        }
      }
      interceptors.add(INSTANCE);
      gateway.warmUp();
    } catch (Throwable t) {
      TollgateLog.warnOnce("okhttp:install", "could not add Tollgate to an OkHttpClient; its calls are not observed", t);
    }
  }

  /** {@code request} plus the trace headers ({@code tollgate.propagate}); {@code request} itself when there are none or they can't be set. */
  private static Request withTraceHeaders(Request request, List<Map.Entry<String, String>> traceHeaders) {
    if (traceHeaders.isEmpty()) {
      return request;
    }
    try {
      Request.Builder b = request.newBuilder();
      for (Map.Entry<String, String> h : traceHeaders) {
        b.header(h.getKey(), h.getValue());
      }
      return b.build();
    } catch (RuntimeException e) {
      TollgateLog.warnOnce("okhttp:trace-headers", "could not add the trace headers to an LLM request; it goes without them", e);
      return request;
    }
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    // after enqueue this is a dispatcher thread: the application's context as it was at enqueue
    try (ApplicationSpanScope enqueuedFrom = Tollgate.resumeApplicationContext(chain.call())) {
      return interceptInApplicationContext(chain);
    }
  }

  private Response interceptInApplicationContext(Chain chain) throws IOException {
    Request request = chain.request();
    LlmCall call = null;
    Request out = request;
    try {
      HttpUrl url = request.url();
      String path = url.encodedPath();
      Endpoint endpoint = Tollgate.recognize(url.host(), url.port(), path, request::header);
      if (endpoint != null) {
        Gateway gateway = Tollgate.gateway();
        ControlHeaders.Builder control = ControlHeaders.builder();
        Headers headers = request.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
          control.accept(headers.name(i), headers.value(i));
        }
        ControlHeaders controls = control.build();
        Request.Builder b = request.newBuilder();
        byte[] body = null;
        RequestBody requestBody = request.body();
        if (requestBody != null && !requestBody.isDuplex()) {
          Buffer buffer = new Buffer();
          requestBody.writeTo(buffer);
          body = buffer.readByteArray();
          b.method(request.method(), RequestBody.create(body, requestBody.contentType()));
        }
        if (controls.any() && !endpoint.observeOnly()) {
          for (int i = 0, n = headers.size(); i < n; i++) {
            if (ControlHeaders.isControlHeader(headers.name(i))) {
              b.removeHeader(headers.name(i));
            }
          }
        }
        out = b.build();
        byte[] observed = body != null && body.length <= MAX_OBSERVED_BODY ? body : new byte[0];
        call = gateway.start(endpoint, url.uri(), url.host(), url.port(), path, controls, request::header, observed);
        // every attempt is a copy of this request: the trace headers are added once, here
        out = withTraceHeaders(out, call.traceHeaders(request::header));
      }
    } catch (Throwable t) {
      TollgateLog.warnOnce("okhttp:prepare:" + t.getClass().getName(),
          "could not prepare an LLM call on OkHttp; it goes out untouched", t);
      call = null;
      out = request;
    }
    if (call == null) {
      return chain.proceed(request);
    }
    if (call.hasPolicies()) {
      return OkHttpPolicies.intercept(chain, out, call);
    }

    Response response;
    boolean was = Tollgate.enterHandling();
    try (ApplicationSpanScope inCallSpan = call.enterApplicationSpan()) {
      response = chain.proceed(out);
    } catch (IOException | RuntimeException | Error e) {
      call.onError(e);
      throw e;
    } finally {
      Tollgate.exitHandling(was);
    }

    try {
      call.onResponseHead(response.code(), response::header);
      ResponseBody body = response.body();
      if (body == null) {
        call.onComplete();
        return response;
      }
      return response.newBuilder().body(new TeeResponseBody(body, call)).build();
    } catch (Throwable t) {
      TollgateLog.warnOnce("okhttp:response", "could not observe an OkHttp response body", t);
      call.onClosedEarly();
      return response;
    }
  }
}
