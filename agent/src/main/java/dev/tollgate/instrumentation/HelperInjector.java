package dev.tollgate.instrumentation;

import dev.tollgate.internal.TollgateLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Defines helper classes (adapters compiled against an instrumented library, e.g. an
 * {@code okhttp3.Interceptor} or a {@code java.net.http.HttpClient} subclass) directly in
 * the class loader that loaded that library.
 *
 * <p>Why: the core lives in the bootstrap loader, which cannot see the application's
 * libraries, nor even java.net.http (a platform-loader module). A class defined in the
 * library's own loader is found first ({@code findLoadedClass}) whatever its delegation
 * model, so this works for the JDK's platform loader, flat class paths, Spring Boot fat jars
 * and servlet containers alike, and reaches the core through parent delegation.
 *
 * <p>How: {@code ClassLoader.defineClass}, made accessible once through the
 * {@link java.lang.instrument.Instrumentation} the agent was given (which opens
 * {@code java.lang} to Tollgate only) — no {@code Unsafe}, so no warnings on newer JDKs.
 * Injection happens once per loader, before any of the library's instrumented code runs.
 */
public final class HelperInjector {
  /** Per loader, the helper lists (by their first class) already defined there: one loader may hold several libraries. */
  private static final Map<ClassLoader, Set<String>> DONE = new WeakHashMap<>();
  private static volatile Method defineClass;

  private HelperInjector() {}

  /** Prepares injection; called once from premain. */
  public static void init(java.lang.instrument.Instrumentation inst) throws ReflectiveOperationException {
    Module base = Object.class.getModule();
    Module ours = HelperInjector.class.getModule();
    if (!base.isOpen("java.lang", ours)) {
      inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(ours)), Set.of(), Map.of());
    }
    Method m = ClassLoader.class.getDeclaredMethod("defineClass",
        String.class, byte[].class, int.class, int.class, ProtectionDomain.class);
    m.setAccessible(true);
    defineClass = m;
  }

  /** Defines the classes in {@code loader} unless done before; false when it failed. */
  public static boolean inject(ClassLoader loader, List<String> classNames) {
    if (loader == null) {
      return false;
    }
    synchronized (DONE) {
      Set<String> done = DONE.computeIfAbsent(loader, l -> new java.util.HashSet<>());
      if (done.contains(classNames.get(0))) {
        return true;
      }
      try {
        Method define = defineClass;
        if (define == null) {
          throw new IllegalStateException("helper injection was not initialised");
        }
        for (String name : classNames) {
          byte[] bytes = read(name);
          try {
            define.invoke(loader, name, bytes, 0, bytes.length, null);
          } catch (java.lang.reflect.InvocationTargetException e) {
            if (!(e.getCause() instanceof LinkageError)) { // LinkageError: already defined there
              throw e;
            }
            TollgateLog.debug("helper " + name + " not defined in " + loader + ": " + e.getCause());
          }
        }
        done.add(classNames.get(0));
        return true;
      } catch (Throwable t) {
        TollgateLog.warnOnce("inject:" + classNames.get(0), "could not add Tollgate's adapter classes to "
            + loader.getClass().getName() + "; calls through that library are not observed", t);
        done.add(classNames.get(0));
        return false;
      }
    }
  }

  private static byte[] read(String className) throws IOException {
    String resource = className.replace('.', '/') + ".class";
    InputStream in = ClassLoader.getSystemResourceAsStream(resource);
    if (in == null) {
      throw new IOException("helper class not found in the agent jar: " + resource);
    }
    try (InputStream s = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      s.transferTo(out);
      return out.toByteArray();
    }
  }
}
