package dev.tollgate.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumented library: which types to match (by name only, so that matching costs
 * nothing on the thousands of classes an application loads) and which advice to inline.
 * The advice installs a plain adapter; what to record lives in the pipeline.
 */
public interface Instrumentation {
  String name();

  AgentBuilder install(AgentBuilder builder, java.lang.instrument.Instrumentation inst);
}
