package dev.tollgate.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What to intercept for {@code java.net.HttpURLConnection}: the exit of
 * {@code openConnection(URL, Proxy)} in the JDK's http and https protocol handlers, which
 * {@code URL.openConnection()} and {@code URL.openConnection(Proxy)} both reach. When the JDK's own
 * http(s) connection is returned for a URL whose host and path are an LLM endpoint, the advice
 * swaps it for a {@link TollgateHttpURLConnection} / {@link TollgateHttpsURLConnection} that
 * buffers the request and runs the exchange on the first response-side call. Every other
 * connection (other paths, other protocols, custom handlers, Tollgate's own OTLP export) is
 * returned as it was.
 *
 * <p>The adapter lives with the core in the bootstrap loader, which sees java.base directly:
 * nothing is injected. {@code java.base} is made to read the bootstrap loader's unnamed module,
 * so that the advice inlined into {@code java.net.URL} may call it.
 */
public final class UrlConnectionInstrumentation implements Instrumentation {
  static final String HTTP_HANDLER = "sun.net.www.protocol.http.Handler";
  static final String HTTPS_HANDLER = "sun.net.www.protocol.https.Handler";

  @Override
  public String name() {
    return "java.net.HttpURLConnection";
  }

  @Override
  public List<String> typeNames() {
    // not java.net.URL itself: it is loaded before any agent starts, so it could only be
    // retransformed, and an application's first openConnection could run before that; the
    // handlers load when the first http(s) URL is made, after premain
    return List.of(HTTP_HANDLER, HTTPS_HANDLER);
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    Module base = Object.class.getModule();
    Module ours = TollgateUrlConnections.class.getModule();
    if (!base.canRead(ours)) {
      inst.redefineModule(base, Set.of(ours), Map.of(), Map.of(), Set.of(), Map.of());
    }
    return builder.type(named(HTTP_HANDLER).or(named(HTTPS_HANDLER)))
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("openConnection").and(takesArguments(2))
                    .and(takesArgument(0, named("java.net.URL"))).and(takesArgument(1, named("java.net.Proxy"))),
                OpenAdvice.class.getName()));
  }

  /** Inlined at the exit of each handler's {@code openConnection(URL, Proxy)}. */
  public static final class OpenAdvice {
    private OpenAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) java.net.URL url, @Advice.Argument(1) java.net.Proxy proxy,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object connection) {
      connection = TollgateUrlConnections.wrap(connection, url, proxy);
    }
  }
}
