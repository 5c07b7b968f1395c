package dev.tollgate.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent:} entry point. Deliberately tiny and self-contained: it is loaded by
 * the system class loader, puts the agent jar on the bootstrap class path, and hands over to
 * {@link AgentInstaller} loaded from there, so every other Tollgate class exists once, in
 * the bootstrap loader, where java.net.http and every application loader can reach it.
 *
 * <p>Nothing here may take the application down: any failure is one line on stderr and the
 * application starts as if the agent were absent.
 */
public final class TollgatePremain {
  private TollgatePremain() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst);
  }

  private static void start(String args, Instrumentation inst) {
    try {
      String enabled = System.getProperty("tollgate.enabled", System.getenv("TOLLGATE_ENABLED"));
      if (enabled != null && enabled.trim().equalsIgnoreCase("false")) {
        return;
      }
      File jar = agentJar();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      Class<?> installer = Class.forName("dev.tollgate.agent.AgentInstaller", true, null);
      Method install = installer.getMethod("install", String.class, Instrumentation.class, File.class);
      install.invoke(null, args, inst, jar);
    } catch (Throwable t) {
      Throwable cause = t.getCause() != null ? t.getCause() : t;
      System.err.println("[tollgate] WARN the agent could not start and is inactive; the application runs"
          + " without it: " + cause);
    }
  }

  private static File agentJar() throws Exception {
    URI location = TollgatePremain.class.getProtectionDomain().getCodeSource().getLocation().toURI();
    return new File(location);
  }
}
