package dev.tollgate.instrumentation.apache5;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * What to intercept in Apache HttpClient 5: {@code build()} of the classic
 * {@code HttpClientBuilder} (which {@code HttpClients.createDefault()}, {@code custom()} and
 * {@code createSystem()} all run) and of {@code HttpAsyncClientBuilder}. The advice adds
 * Tollgate's exec handler first in the chain the builder is about to assemble. The helper
 * classes are injected into HttpClient's own loader first.
 */
public final class ApacheHttpClient5Instrumentation implements Instrumentation {
  /** Every class compiled against HttpClient 5; they must never be loaded by the bootstrap loader. */
  public static final List<String> HELPERS = List.of(
      "dev.tollgate.instrumentation.apache5.TollgateExecHandler",
      "dev.tollgate.instrumentation.apache5.Apache5Policies",
      "dev.tollgate.instrumentation.apache5.Apache5Policies$Attempts",
      "dev.tollgate.instrumentation.apache5.TeeEntity",
      "dev.tollgate.instrumentation.apache5.TollgateAsyncExecHandler",
      "dev.tollgate.instrumentation.apache5.Apache5AsyncPolicies",
      "dev.tollgate.instrumentation.apache5.Apache5AsyncPolicies$Attempts",
      "dev.tollgate.instrumentation.apache5.Apache5AsyncPolicies$Attempts$Attempt",
      "dev.tollgate.instrumentation.apache5.BodyCapture",
      "dev.tollgate.instrumentation.apache5.TeeCallback",
      "dev.tollgate.instrumentation.apache5.TeeDataConsumer");

  @Override
  public String name() {
    return "apache-httpclient5";
  }

  @Override
  public List<String> typeNames() {
    return List.of("org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
        "org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder");
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    return builder
        .type(named("org.apache.hc.client5.http.impl.classic.HttpClientBuilder"))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("build").and(takesArguments(0)), ClassicBuildAdvice.class.getName()))
        .type(named("org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder"))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("build").and(takesArguments(0)), AsyncBuildAdvice.class.getName()));
  }

  /** Inlined at the start of the classic {@code HttpClientBuilder.build()}. */
  public static final class ClassicBuildAdvice {
    private ClassicBuildAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object builder) {
      TollgateExecHandler.installOn(builder);
    }
  }

  /** Inlined at the start of {@code HttpAsyncClientBuilder.build()}. */
  public static final class AsyncBuildAdvice {
    private AsyncBuildAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object builder) {
      TollgateAsyncExecHandler.installOn(builder);
    }
  }
}
