package dev.tollgate.instrumentation.okhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import dev.tollgate.pipeline.Tollgate;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * What to intercept in OkHttp 4.x/5.x: the constructor {@code OkHttpClient(Builder)}, which
 * both {@code new OkHttpClient()} and {@code Builder.build()} run. The advice adds
 * {@link TollgateOkHttpInterceptor} to the builder before the client copies its
 * interceptors. The helper classes are injected into OkHttp's own class loader first, so
 * this works when OkHttp lives in a child loader (Spring Boot fat jars, servlet containers).
 * {@code RealCall.enqueue} keeps the application's OpenTelemetry context for the dispatcher
 * thread that runs the interceptor (so the call's span finds its parent).
 */
public final class OkHttpInstrumentation implements Instrumentation {
  /** Every class compiled against OkHttp; they must never be loaded by the bootstrap loader. */
  public static final List<String> HELPERS = List.of(
      "dev.tollgate.instrumentation.okhttp.TollgateOkHttpInterceptor",
      "dev.tollgate.instrumentation.okhttp.TeeResponseBody",
      "dev.tollgate.instrumentation.okhttp.TeeSource",
      "dev.tollgate.instrumentation.okhttp.CallBytesSink",
      "dev.tollgate.instrumentation.okhttp.OkHttpPolicies",
      "dev.tollgate.instrumentation.okhttp.OkHttpPolicies$Attempts");

  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public List<String> typeNames() {
    return List.of("okhttp3.OkHttpClient", "okhttp3.internal.connection.RealCall");
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    return builder.type(named("okhttp3.OkHttpClient"))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(isConstructor().and(takesArguments(1)).and(takesArgument(0, named("okhttp3.OkHttpClient$Builder"))),
                ConstructorAdvice.class.getName()))
        // enqueue hands the call to a dispatcher thread: keep the application's trace context for it
        .type(named("okhttp3.internal.connection.RealCall"))
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("enqueue").and(takesArguments(1)), EnqueueAdvice.class.getName()));
  }

  /**
   * Inlined at the start of {@code RealCall.enqueue(Callback)} (OkHttp 4.x/5.x), on the
   * application's thread; only calls the bootstrap core, so it needs no helper.
   */
  public static final class EnqueueAdvice {
    private EnqueueAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object call) {
      Tollgate.rememberApplicationContext(call);
    }
  }

  /** Inlined at the start of {@code OkHttpClient(Builder)}. */
  public static final class ConstructorAdvice {
    private ConstructorAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Object builder) {
      TollgateOkHttpInterceptor.installOn(builder);
    }
  }
}
