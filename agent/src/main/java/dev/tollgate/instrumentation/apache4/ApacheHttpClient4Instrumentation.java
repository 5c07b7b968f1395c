package dev.tollgate.instrumentation.apache4;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What to intercept in Apache HttpClient 4.5: the protected hook
 * {@code HttpClientBuilder.decorateProtocolExec(ClientExecChain)}, which {@code build()} calls
 * with the protocol stage of every client it makes ({@code HttpClients.createDefault()},
 * {@code custom()}, {@code createSystem()}). The advice wraps what it returns in
 * {@link TollgateClientExec}. The helper classes are injected into HttpClient's own loader first.
 */
public final class ApacheHttpClient4Instrumentation implements Instrumentation {
  /** Every class compiled against HttpClient 4; they must never be loaded by the bootstrap loader. */
  public static final List<String> HELPERS = List.of(
      "dev.tollgate.instrumentation.apache4.TollgateClientExec",
      "dev.tollgate.instrumentation.apache4.Apache4Policies",
      "dev.tollgate.instrumentation.apache4.Apache4Policies$Attempts",
      "dev.tollgate.instrumentation.apache4.TeeEntity",
      "dev.tollgate.instrumentation.apache4.CachedHttpResponse",
      "dev.tollgate.instrumentation.apache4.ClosingResponse");

  @Override
  public String name() {
    return "apache-httpclient4";
  }

  @Override
  public List<String> typeNames() {
    return List.of("org.apache.http.impl.client.HttpClientBuilder");
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    return builder.type(named("org.apache.http.impl.client.HttpClientBuilder"))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("decorateProtocolExec").and(takesArguments(1)), DecorateAdvice.class.getName()));
  }

  /** Inlined at the end of {@code decorateProtocolExec}: the protocol stage, wrapped. */
  public static final class DecorateAdvice {
    private DecorateAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object exec) {
      exec = TollgateClientExec.wrap(exec);
    }
  }
}
