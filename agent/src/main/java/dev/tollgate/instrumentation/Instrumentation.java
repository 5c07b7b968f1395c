package dev.tollgate.instrumentation;

import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumented library: which types to match (by name only, so that matching costs
 * nothing on the thousands of classes an application loads) and which advice to inline.
 * The advice installs a plain adapter; what to record lives in the pipeline.
 */
public interface Instrumentation {
  String name();

  /**
   * Every type {@link #install} matches, by name. Those already loaded when the agent starts
   * ({@code java.net.URL} always is) are the only classes retransformed then; every other
   * loaded class is left alone.
   */
  List<String> typeNames();

  AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst);
}
