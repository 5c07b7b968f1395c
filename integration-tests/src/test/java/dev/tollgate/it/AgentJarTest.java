package dev.tollgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.it.support.ItEnv;
import java.io.IOException;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The one jar users add: self-contained, every third-party class relocated under
 * {@code dev.tollgate.shaded.}, so no application's own Jackson, OkHttp, OpenTelemetry,
 * Byte Buddy or Caffeine can clash with ours.
 */
class AgentJarTest {

  @Test
  void everyClassLivesUnderDevTollgate() throws IOException {
    try (JarFile jar = new JarFile(ItEnv.agentJar().toFile())) {
      List<String> outside = jar.stream().map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .filter(n -> !n.startsWith("dev/tollgate/"))
          .toList();
      assertThat(outside).as("classes outside dev/tollgate/").isEmpty();
      List<String> services = jar.stream().map(ZipEntry::getName)
          .filter(n -> n.startsWith("META-INF/services/") && !n.endsWith("/"))
          .toList();
      assertThat(services).isNotEmpty()
          .allSatisfy(n -> assertThat(n).startsWith("META-INF/services/dev.tollgate."));
      assertThat(jar.stream().map(ZipEntry::getName)).contains(
          "dev/tollgate/pricing/model_prices.json", "dev/tollgate/pricing/NOTICE-litellm.txt");
    }
  }

  @Test
  void theManifestDeclaresTheAgent() throws IOException {
    try (JarFile jar = new JarFile(ItEnv.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertThat(main.getValue("Premain-Class")).isEqualTo("dev.tollgate.agent.TollgatePremain");
      assertThat(main.getValue("Agent-Class")).isEqualTo("dev.tollgate.agent.TollgatePremain");
      assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
    }
  }
}
