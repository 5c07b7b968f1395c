package dev.tollgate.instrumentation.apache5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.CompiledClasses;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ApacheHttpClient5InstrumentationTest {

  /** Every helper class must be injected into HttpClient 5's loader: a missing one fails only at run time. */
  @Test
  void helpersNameEveryClassOfThePackageButTheInstrumentationItself() throws Exception {
    String self = ApacheHttpClient5Instrumentation.class.getName();
    Set<String> expected = CompiledClasses.inPackageOf(ApacheHttpClient5Instrumentation.class).stream()
        .filter(n -> !n.equals(self) && !n.startsWith(self + "$"))
        .collect(Collectors.toSet());

    assertThat(expected).contains(TollgateExecHandler.class.getName(), TollgateAsyncExecHandler.class.getName());
    assertThat(ApacheHttpClient5Instrumentation.HELPERS).doesNotHaveDuplicates();
    assertThat(ApacheHttpClient5Instrumentation.HELPERS).containsExactlyInAnyOrderElementsOf(expected);
  }
}
