package dev.tollgate.instrumentation.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.CompiledClasses;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OkHttpInstrumentationTest {

  /**
   * Every helper class must be injected into OkHttp's class loader: one missing from the list
   * (say a new inner class) would fail with NoClassDefFoundError only at run time.
   */
  @Test
  void helpersNameEveryClassOfThePackageButTheInstrumentationItself() throws Exception {
    String self = OkHttpInstrumentation.class.getName();
    Set<String> expected = CompiledClasses.inPackageOf(OkHttpInstrumentation.class).stream()
        .filter(n -> !n.equals(self) && !n.startsWith(self + "$"))
        .collect(Collectors.toSet());

    assertThat(expected).contains(TollgateOkHttpInterceptor.class.getName());
    assertThat(OkHttpInstrumentation.HELPERS).doesNotHaveDuplicates();
    assertThat(OkHttpInstrumentation.HELPERS).containsExactlyInAnyOrderElementsOf(expected);
  }
}
