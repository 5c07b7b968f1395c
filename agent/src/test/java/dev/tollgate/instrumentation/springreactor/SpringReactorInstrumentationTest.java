package dev.tollgate.instrumentation.springreactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.CompiledClasses;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpringReactorInstrumentationTest {

  /**
   * Every helper class must be injected into Spring's class loader: one missing from the list
   * (say a new inner class) would fail with NoClassDefFoundError only at run time.
   */
  @Test
  void helpersNameEveryClassOfThePackageButTheInstrumentationItself() throws Exception {
    String self = SpringReactorInstrumentation.class.getName();
    Set<String> expected = CompiledClasses.inPackageOf(SpringReactorInstrumentation.class).stream()
        .filter(n -> !n.equals(self) && !n.startsWith(self + "$"))
        .collect(Collectors.toSet());

    assertThat(expected).contains(ReactorConnectAdapter.class.getName(), ReactorRestAdapter.class.getName());
    assertThat(SpringReactorInstrumentation.HELPERS).doesNotHaveDuplicates();
    assertThat(SpringReactorInstrumentation.HELPERS).containsExactlyInAnyOrderElementsOf(expected);
  }
}
