/**
 * Gateway policies — response cache, retry, fallback — as client-neutral, immutable values.
 *
 * <p>{@link dev.tollgate.policy.PolicyResolver} turns the global configuration and one call's
 * {@code Helicone-*} / {@code Tollgate-*} headers into that call's
 * {@link dev.tollgate.policy.CallPolicies}; the engine in {@code dev.tollgate.pipeline} drives
 * HTTP attempts with them. Nothing here performs I/O, sleeps or reads the wall clock directly:
 * time and randomness are injected so that TTLs, backoff and jitter are testable without
 * waiting.
 */
package dev.tollgate.policy;
