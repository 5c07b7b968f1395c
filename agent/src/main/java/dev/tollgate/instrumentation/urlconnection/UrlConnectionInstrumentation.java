package dev.tollgate.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.Instrumentation;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What to intercept for {@code java.net.HttpURLConnection}: the exit of
 * {@code URL.openConnection()} and {@code URL.openConnection(Proxy)}. When the JDK's own
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
  @Override
  public String name() {
    return "java.net.HttpURLConnection";
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    Module base = Object.class.getModule();
    Module ours = TollgateUrlConnections.class.getModule();
    if (!base.canRead(ours)) {
      inst.redefineModule(base, Set.of(ours), Map.of(), Map.of(), Set.of(), Map.of());
    }
    return builder.type(named("java.net.URL"))
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("openConnection").and(takesArguments(0)), OpenAdvice.class.getName())
            .advice(named("openConnection").and(takesArguments(1)).and(takesArgument(0, named("java.net.Proxy"))),
                OpenWithProxyAdvice.class.getName()));
  }

  /** Inlined at the exit of {@code URL.openConnection()}. */
  public static final class OpenAdvice {
    private OpenAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This java.net.URL url,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object connection) {
      connection = TollgateUrlConnections.wrap(connection, url, null);
    }
  }

  /** Inlined at the exit of {@code URL.openConnection(Proxy)}. */
  public static final class OpenWithProxyAdvice {
    private OpenWithProxyAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This java.net.URL url, @Advice.Argument(0) java.net.Proxy proxy,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object connection) {
      connection = TollgateUrlConnections.wrap(connection, url, proxy);
    }
  }
}
