package dev.tollgate.instrumentation.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What to intercept in java.net.http: the exit of {@code HttpClientBuilderImpl.build()},
 * which every {@code HttpClient.newHttpClient()} and {@code newBuilder().build()} goes
 * through. The advice only swaps the returned client for a {@link TollgateHttpClient}.
 *
 * <p>java.net.http is defined to the platform class loader, which the bootstrap loader
 * (where the core lives) cannot see: the adapter classes are injected into the platform
 * loader, and the java.net.http module is made to read that loader's unnamed module.
 */
public final class JdkHttpClientInstrumentation implements Instrumentation {
  static final String BUILDER = "jdk.internal.net.http.HttpClientBuilderImpl";

  /** Every class of the adapter; they are defined in the platform class loader. */
  public static final List<String> HELPERS = List.of(
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient",
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient$Prepared",
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient$Recognized",
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient$BodyOrNull",
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient$SendWhenBodyRead",
      "dev.tollgate.instrumentation.jdkhttp.TollgateHttpClient$KeepEveryHeader",
      "dev.tollgate.instrumentation.jdkhttp.TeeBodyHandler",
      "dev.tollgate.instrumentation.jdkhttp.TeeBodyHandler$TeeSubscriber",
      "dev.tollgate.instrumentation.jdkhttp.TeeBodyHandler$TeeSubscriber$1",
      "dev.tollgate.instrumentation.jdkhttp.TeeBodyHandler$CompleteDownstream",
      "dev.tollgate.instrumentation.jdkhttp.BodyCollector",
      "dev.tollgate.instrumentation.jdkhttp.AttemptHandler",
      "dev.tollgate.instrumentation.jdkhttp.PolicyResponses",
      "dev.tollgate.instrumentation.jdkhttp.PolicyResponses$Replay",
      "dev.tollgate.instrumentation.jdkhttp.PolicyResponses$Info",
      "dev.tollgate.instrumentation.jdkhttp.PolicyResponses$Response",
      "dev.tollgate.instrumentation.jdkhttp.AsyncAttempts",
      "dev.tollgate.instrumentation.jdkhttp.AsyncAttempts$SendAfterWait",
      "dev.tollgate.instrumentation.jdkhttp.AsyncAttempts$Decide",
      "dev.tollgate.instrumentation.jdkhttp.AsyncAttempts$Flatten",
      "dev.tollgate.instrumentation.jdkhttp.AsyncAttempts$Nothing");

  @Override
  public String name() {
    return "java.net.http.HttpClient";
  }

  @Override
  public List<String> typeNames() {
    return List.of(BUILDER);
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    Optional<Module> httpModule = ModuleLayer.boot().findModule("java.net.http");
    if (httpModule.isEmpty()) {
      return builder; // a jlinked runtime without java.net.http
    }
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    if (!HelperInjector.inject(platform, HELPERS)) {
      return builder;
    }
    Module adapters = platform.getUnnamedModule();
    if (!httpModule.get().canRead(adapters)) {
      inst.redefineModule(httpModule.get(), Set.of(adapters), Map.of(), Map.of(), Set.of(), Map.of());
    }
    return builder.type(named(BUILDER))
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("build").and(takesArguments(0)).and(isPublic()), BuildAdvice.class.getName()));
  }

  /** Inlined into {@code HttpClientBuilderImpl.build()}. */
  public static final class BuildAdvice {
    private BuildAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object client) {
      client = TollgateHttpClient.wrap((java.net.http.HttpClient) client);
    }
  }
}
