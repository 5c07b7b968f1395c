package dev.tollgate.instrumentation.apache4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.CompiledClasses;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ApacheHttpClient4InstrumentationTest {

  /** Every helper class must be injected into HttpClient 4's loader: a missing one fails only at run time. */
  @Test
  void helpersNameEveryClassOfThePackageButTheInstrumentationItself() throws Exception {
    String self = ApacheHttpClient4Instrumentation.class.getName();
    Set<String> expected = CompiledClasses.inPackageOf(ApacheHttpClient4Instrumentation.class).stream()
        .filter(n -> !n.equals(self) && !n.startsWith(self + "$"))
        .collect(Collectors.toSet());

    assertThat(expected).contains(TollgateClientExec.class.getName());
    assertThat(ApacheHttpClient4Instrumentation.HELPERS).doesNotHaveDuplicates();
    assertThat(ApacheHttpClient4Instrumentation.HELPERS).containsExactlyInAnyOrderElementsOf(expected);
  }
}
