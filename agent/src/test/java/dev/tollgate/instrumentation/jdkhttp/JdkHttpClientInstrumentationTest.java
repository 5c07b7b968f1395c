package dev.tollgate.instrumentation.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.instrumentation.CompiledClasses;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class JdkHttpClientInstrumentationTest {

  /**
   * Every adapter class must be defined in the platform class loader: one missing from the
   * list (say a new inner or anonymous class) would fail with NoClassDefFoundError only at run
   * time.
   */
  @Test
  void helpersNameEveryClassOfThePackageButTheInstrumentationItself() throws Exception {
    String self = JdkHttpClientInstrumentation.class.getName();
    Set<String> expected = CompiledClasses.inPackageOf(JdkHttpClientInstrumentation.class).stream()
        .filter(n -> !n.equals(self) && !n.startsWith(self + "$"))
        .collect(Collectors.toSet());

    assertThat(expected).contains(TollgateHttpClient.class.getName());
    assertThat(JdkHttpClientInstrumentation.HELPERS).doesNotHaveDuplicates();
    assertThat(JdkHttpClientInstrumentation.HELPERS).containsExactlyInAnyOrderElementsOf(expected);
  }
}
