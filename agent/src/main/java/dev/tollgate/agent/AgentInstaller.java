package dev.tollgate.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.instrumentation.HelperInjector;
import dev.tollgate.instrumentation.Instrumentation;
import dev.tollgate.instrumentation.apache4.ApacheHttpClient4Instrumentation;
import dev.tollgate.instrumentation.apache5.ApacheHttpClient5Instrumentation;
import dev.tollgate.instrumentation.jdkhttp.JdkHttpClientInstrumentation;
import dev.tollgate.instrumentation.okhttp.OkHttpInstrumentation;
import dev.tollgate.instrumentation.springreactor.SpringReactorInstrumentation;
import dev.tollgate.instrumentation.urlconnection.UrlConnectionInstrumentation;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.pipeline.Gateway;
import dev.tollgate.pipeline.Tollgate;
import dev.tollgate.pricing.Pricer;
import dev.tollgate.telemetry.MetricDimensions;
import dev.tollgate.telemetry.OtelTelemetry;
import dev.tollgate.telemetry.TelemetrySdk;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.File;
import java.lang.instrument.ClassFileTransformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs Tollgate, from the bootstrap class loader: reads the configuration, creates the
 * gateway (whose SDK and price table start lazily, on the first LLM call), and installs one
 * Byte Buddy transformer for all instrumentations.
 *
 * <p>The AgentBuilder follows what the established agents learned: name-only type matchers
 * (and name-only ignores, so a class that is loading is never parsed to be matched),
 * retransformation without class format changes (so classes loaded before premain are
 * covered), our own packages and other agents ignored, and a listener that logs (once) any
 * class it could not transform instead of failing silently.
 */
public final class AgentInstaller {
  private static final List<Instrumentation> INSTRUMENTATIONS =
      List.of(new JdkHttpClientInstrumentation(), new OkHttpInstrumentation(),
          new ApacheHttpClient5Instrumentation(), new ApacheHttpClient4Instrumentation(),
          new UrlConnectionInstrumentation(), new SpringReactorInstrumentation());

  private AgentInstaller() {}

  public static void install(String args, java.lang.instrument.Instrumentation inst, File agentJar) {
    try {
      TollgateConfig config = TollgateConfig.fromEnvironment();
      if (!config.enabled()) {
        return;
      }
      Gateway gateway = new Gateway(config, () -> pricer(config), () -> telemetry(config));
      if (!"false".equals(System.getProperty("tollgate.internal.recorder"))) { // for A/B benchmarking
        gateway.recordOnOwnThread();
      }
      Tollgate.install(gateway);
      HelperInjector.init(inst);

      // premain only registers a transformer that looks at class names; Byte Buddy is built
      // on a background thread while the application starts (see DeferredTransformer)
      DeferredTransformer deferred = new DeferredTransformer(targetInternalNames());
      inst.addTransformer(deferred, true);
      Thread setup = new Thread(() -> setUpInstrumentation(inst, deferred), "tollgate-instrumentation-setup");
      setup.setDaemon(true);
      deferred.settingUpOn(setup);
      setup.start();
      TollgateLog.debug("installed from " + agentJar);
    } catch (Throwable t) {
      Tollgate.install(null);
      TollgateLog.warn("the agent could not be installed and is inactive; the application runs without it", t);
    }
  }

  /**
   * Builds Byte Buddy's transformer for every instrumentation, hands it to {@code deferred},
   * then instruments the types the JVM had loaded already ({@code java.net.URL} always).
   * Never throws: without it, the application runs uninstrumented.
   */
  static void setUpInstrumentation(java.lang.instrument.Instrumentation inst, DeferredTransformer deferred) {
    ClassFileTransformer transformer = null;
    try {
      // Byte Buddy's Nexus (for LoadedTypeInitializers) is not needed: advice is inlined.
      // Turning it off keeps Byte Buddy from touching sun.misc.Unsafe, which JDK 24+ warns
      // about on stderr. (The shade plugin relocates this property name with Byte Buddy.)
      System.setProperty("net.bytebuddy.nexus.disabled", "true");
      AgentBuilder builder = new AgentBuilder.Default()
          .disableClassFormatChanges()
          .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
          .with(AgentBuilder.TypeStrategy.Default.DECORATE)
          .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
          .with(new ErrorListener())
          // name-only ignores: isSynthetic() (Byte Buddy's default) reads each loading class's
          // modifiers, which made Byte Buddy parse every class file the application loads
          .ignore(nameStartsWith("dev.tollgate.")
              .or(nameStartsWith("net.bytebuddy."))
              .or(nameStartsWith("io.opentelemetry.javaagent."))
              .or(nameStartsWith("co.elastic.apm.agent."))
              .or(nameStartsWith("sun.reflect."))
              .or(nameStartsWith("jdk.internal.reflect.")));
      for (Instrumentation i : INSTRUMENTATIONS) {
        builder = i.install(builder, inst);
      }
      transformer = builder.makeRaw();
    } catch (Throwable t) {
      TollgateLog.warn("the HTTP clients could not be instrumented; the application runs without LLM call"
          + " handling", t);
    } finally {
      deferred.ready(transformer);
    }
    if (transformer == null) {
      return;
    }
    Class<?>[] loaded = alreadyLoadedTargets(inst);
    if (loaded.length > 0) {
      try {
        inst.retransformClasses(loaded);
      } catch (Throwable t) {
        TollgateLog.warn("could not instrument the HTTP client classes loaded before the agent", t);
      }
    }
  }

  /** The instrumented types, as the JVM names them to transformers. */
  static Set<String> targetInternalNames() {
    Set<String> names = new HashSet<>();
    for (Instrumentation i : INSTRUMENTATIONS) {
      for (String n : i.typeNames()) {
        names.add(n.replace('.', '/'));
      }
    }
    return names;
  }

  /** The instrumented types the JVM loaded before the agent started. */
  static Class<?>[] alreadyLoadedTargets(java.lang.instrument.Instrumentation inst) {
    Set<String> names = new HashSet<>();
    for (Instrumentation i : INSTRUMENTATIONS) {
      names.addAll(i.typeNames());
    }
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (names.contains(c.getName())) {
        loaded.add(c);
      }
    }
    return loaded.toArray(new Class<?>[0]);
  }

  private static Gateway.PriceFunction pricer(TollgateConfig config) {
    return Pricer.create(config.pricingFile())::price;
  }

  private static OtelTelemetry telemetry(TollgateConfig config) {
    OtelTelemetry[] result = new OtelTelemetry[1];
    Tollgate.runSuppressed(() -> {
      OpenTelemetrySdk sdk = TelemetrySdk.create(ClassLoader.getSystemClassLoader(), TollgateLog::warnOnce);
      List<String> rejected = new ArrayList<>(0);
      MetricDimensions dimensions = MetricDimensions.of(config.metricsAttributes(), config.metricsMaxValues(), rejected);
      if (!rejected.isEmpty()) {
        TollgateLog.warnOnce("config:tollgate.metrics.attributes", "tollgate.metrics.attributes: ignoring " + rejected
            + " (use user.id, session.id, tollgate.session.name or tollgate.property.<name>)");
      }
      result[0] = new OtelTelemetry(sdk, timeoutMillis -> TelemetrySdk.flushAtExit(sdk, timeoutMillis), dimensions);
    });
    return result[0];
  }

  /** Logs, once per type, a class that matched but could not be transformed. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
        Throwable throwable) {
      TollgateLog.warnOnce("transform:" + typeName, "could not instrument " + typeName
          + "; its calls pass through unobserved", throwable);
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
        boolean loaded, DynamicType dynamicType) {
      TollgateLog.debug("instrumented " + typeDescription.getName());
    }
  }
}
