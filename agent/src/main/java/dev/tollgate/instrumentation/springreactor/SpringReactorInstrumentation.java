package dev.tollgate.instrumentation.springreactor;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * What to intercept for Spring over Reactor Netty, at Spring's two entry points into it (by name):
 * <ul>
 *   <li>{@code ReactorClientHttpConnector.connect(HttpMethod, URI, Function)}: every
 *   {@code WebClient} exchange (Spring AI's streaming too) goes through it;</li>
 *   <li>{@code org.springframework.http.client.ReactorClientHttpRequest.executeInternal(HttpHeaders, Body)}:
 *   the blocking request made by {@code ReactorClientHttpRequestFactory}, under {@code RestClient}
 *   and {@code RestTemplate} (what Spring Boot picks when reactor-netty is on the class path).</li>
 * </ul>
 * Why there and not in Reactor Netty's {@code HttpClient}: Spring hands over the whole request
 * (headers, a body publisher) and takes back a response whose body is a {@code Flux} or an
 * {@code InputStream}; Reactor Netty's own API is callback-shaped and would need to be
 * re-implemented. Raw {@code HttpClient} use without Spring is not seen.
 *
 * <p>Each advice asks one adapter whether it takes the call; the adapter answers null for
 * everything that is not an LLM call and for its own attempts, and the original method runs.
 */
public final class SpringReactorInstrumentation implements Instrumentation {
  /** Every class compiled against Spring / Reactor; they must never be loaded by the bootstrap loader. */
  public static final List<String> HELPERS = List.of(
      "dev.tollgate.instrumentation.springreactor.ReactorConnectAdapter",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Exchange",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Untouched",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Deliver",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Send",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Retry",
      "dev.tollgate.instrumentation.springreactor.ReactorExchange$Decide",
      "dev.tollgate.instrumentation.springreactor.RecordingClientHttpRequest",
      "dev.tollgate.instrumentation.springreactor.TeeClientHttpResponse",
      "dev.tollgate.instrumentation.springreactor.CachedClientHttpResponse",
      "dev.tollgate.instrumentation.springreactor.OutgoingRequests",
      "dev.tollgate.instrumentation.springreactor.ReactorRestAdapter",
      "dev.tollgate.instrumentation.springreactor.ReactorRestAdapter$Attempts",
      "dev.tollgate.instrumentation.springreactor.TeeRestResponse");

  static final String CONNECTOR = "org.springframework.http.client.reactive.ReactorClientHttpConnector";
  static final String BLOCKING_REQUEST = "org.springframework.http.client.ReactorClientHttpRequest";

  @Override
  public String name() {
    return "spring-reactor";
  }

  @Override
  public List<String> typeNames() {
    return List.of(CONNECTOR, BLOCKING_REQUEST);
  }

  @Override
  public AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst) {
    return builder.type(named(CONNECTOR))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("connect").and(takesArguments(3))
                    .and(takesArgument(0, named("org.springframework.http.HttpMethod"))),
                ConnectAdvice.class.getName()))
        .type(named(BLOCKING_REQUEST))
        .transform((b, type, classLoader, module, domain) -> {
          HelperInjector.inject(classLoader, HELPERS);
          return b;
        })
        .transform(new AgentBuilder.Transformer.ForAdvice()
            .include(ClassLoader.getSystemClassLoader())
            .advice(named("executeInternal").and(takesArguments(2))
                    .and(takesArgument(0, named("org.springframework.http.HttpHeaders"))),
                ExecuteAdvice.class.getName()));
  }

  /** Inlined into {@code ReactorClientHttpConnector.connect}: a handled call skips the original body. */
  public static final class ConnectAdvice {
    private ConnectAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Object enter(@Advice.This Object connector, @Advice.Argument(0) Object method,
        @Advice.Argument(1) Object uri, @Advice.Argument(2) Object requestCallback) {
      return ReactorConnectAdapter.connect(connector, method, uri, requestCallback);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Enter Object handled,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response) {
      if (handled != null) {
        response = handled;
      }
    }
  }

  /**
   * Inlined into the blocking {@code ReactorClientHttpRequest.executeInternal(HttpHeaders, Body)}:
   * the adapter returns the response, or the exception the application must see, or null.
   */
  public static final class ExecuteAdvice {
    private ExecuteAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static Object enter(@Advice.This Object request, @Advice.FieldValue("httpClient") Object httpClient,
        @Advice.Argument(0) Object headers, @Advice.Argument(1) Object body) {
      return ReactorRestAdapter.execute(request, httpClient, headers, body);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object outcome,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object response,
        @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
      if (outcome instanceof Throwable) {
        thrown = (Throwable) outcome;
      } else if (outcome != null) {
        response = outcome;
      }
    }
  }
}
