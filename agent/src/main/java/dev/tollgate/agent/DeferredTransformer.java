package dev.tollgate.agent;

import dev.tollgate.internal.TollgateLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The transformer premain registers: it looks at each loading class's name only, and hands the
 * few instrumented types to Byte Buddy's transformer once that exists.
 *
 * <p>Why: Byte Buddy is a thousand classes, which took most of premain (issue 6). Building
 * it on a background thread lets the application start meanwhile; a class that is to be
 * instrumented and loads before Byte Buddy is ready waits for it (bounded), so no type is
 * missed. Every other class costs one hash look-up of its name.
 */
final class DeferredTransformer implements ClassFileTransformer {
  /** How long a loading instrumented type waits for Byte Buddy before it is left as it is. */
  static final long MAX_WAIT_MILLIS = 10_000;

  private final Set<String> internalNames;
  private final long maxWaitMillis;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile ClassFileTransformer delegate;
  private volatile Thread settingUp;

  /** @param internalNames the instrumented types, as the JVM names them ({@code okhttp3/OkHttpClient}) */
  DeferredTransformer(Set<String> internalNames) {
    this(internalNames, MAX_WAIT_MILLIS);
  }

  DeferredTransformer(Set<String> internalNames, long maxWaitMillis) {
    this.internalNames = Set.copyOf(internalNames);
    this.maxWaitMillis = maxWaitMillis;
  }

  /** The thread that builds Byte Buddy's transformer: classes it loads itself never wait. */
  void settingUpOn(Thread thread) {
    settingUp = thread;
  }

  /** Byte Buddy's transformer, or null when it could not be built (types then load as they are). */
  void ready(ClassFileTransformer transformer) {
    delegate = transformer;
    ready.countDown();
  }

  boolean isReady() {
    return ready.getCount() == 0;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || !internalNames.contains(className)) {
      return null;
    }
    try {
      if (ready.getCount() != 0) {
        if (Thread.currentThread() == settingUp) {
          return null;
        }
        if (!ready.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
          TollgateLog.warnOnce("transform:wait:" + className, "instrumentation was not ready in time; "
              + className.replace('/', '.') + " is not instrumented and its calls pass through unobserved");
          return null;
        }
      }
      ClassFileTransformer d = delegate;
      return d == null ? null
          : d.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Throwable t) {
      TollgateLog.warnOnce("transform:" + className, "could not instrument " + className.replace('/', '.')
          + "; its calls pass through unobserved", t);
      return null;
    }
  }
}
