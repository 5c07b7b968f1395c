package dev.tollgate.policy;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.pipeline.ControlHeaders;
import dev.tollgate.provider.HeaderLookup;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Shared by the resolver tests: a resolver on a fixed clock and a seeded random, headers by hand. */
final class PolicyTestSupport {
  static final long DAY = 86_400_000L;
  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

  private PolicyTestSupport() {}

  /** A resolver over these {@code key, value, ...} settings. */
  static PolicyResolver resolver(String... settings) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      m.put(settings[i], settings[i + 1]);
    }
    return new PolicyResolver(TollgateConfig.of(m), CLOCK, new SplittableRandom(1));
  }

  static ControlHeaders controls(String... nameValues) {
    ControlHeaders.Builder b = ControlHeaders.builder();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.accept(nameValues[i], nameValues[i + 1]);
    }
    return b.build();
  }

  static HeaderLookup request(String... nameValues) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], nameValues[i + 1]);
    }
    return m::get;
  }

  /** Resolves these control headers for a {@code gpt-4o} request. */
  static CallPolicies resolve(PolicyResolver r, String... headers) {
    return r.resolve(controls(headers), HeaderLookup.NONE, "gpt-4o");
  }

  /** The number of lines of {@code log} that contain {@code part}. */
  static int lines(String log, String part) {
    return (int) log.lines().filter(l -> l.contains(part)).count();
  }
}
