package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BodyRewriterTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void replacesTheModelAndLeavesEveryOtherByteAlone() {
    String body = "{\n  \"model\" : \"gpt-4o\",\n  \"messages\": [{\"role\":\"user\",\"content\":\"h\\u00e9\"}],"
        + "\n  \"temperature\": 0.70\n}";
    String out = s(BodyRewriter.withModel(b(body), "gpt-4o-mini"));
    assertThat(out).isEqualTo(body.replace("\"gpt-4o\"", "\"gpt-4o-mini\""));
  }

  @Test
  void replacesAModelInAnyPositionAndOfAnyType() {
    assertThat(s(BodyRewriter.withModel(b("{\"a\":1,\"model\":\"x\"}"), "y"))).isEqualTo("{\"a\":1,\"model\":\"y\"}");
    assertThat(s(BodyRewriter.withModel(b("{\"model\":\"x\" , \"a\":1}"), "y"))).isEqualTo("{\"model\":\"y\" , \"a\":1}");
    assertThat(s(BodyRewriter.withModel(b("{\"model\":null}"), "y"))).isEqualTo("{\"model\":\"y\"}");
    assertThat(s(BodyRewriter.withModel(b("{\"model\":{\"id\":\"x\",\"v\":[1,2]},\"b\":2}"), "y")))
        .isEqualTo("{\"model\":\"y\",\"b\":2}");
    assertThat(s(BodyRewriter.withModel(b("{\"model\":\"a,\\\"}\",\"b\":2}"), "y")))
        .as("commas, quotes and braces inside the old value").isEqualTo("{\"model\":\"y\",\"b\":2}");
  }

  @Test
  void onlyTheTopLevelModelChanges() {
    String body = "{\"tools\":[{\"model\":\"keep\"}],\"meta\":{\"model\":\"keep\"},\"model\":\"old\"}";
    assertThat(s(BodyRewriter.withModel(b(body), "new")))
        .isEqualTo("{\"tools\":[{\"model\":\"keep\"}],\"meta\":{\"model\":\"keep\"},\"model\":\"new\"}");
  }

  @Test
  void insertsTheModelWhenAbsent() {
    assertThat(s(BodyRewriter.withModel(b("{\"contents\":[]}"), "gemini-2.0-flash")))
        .isEqualTo("{\"model\":\"gemini-2.0-flash\",\"contents\":[]}");
    assertThat(s(BodyRewriter.withModel(b("{}"), "m"))).isEqualTo("{\"model\":\"m\"}");
    assertThat(s(BodyRewriter.withModel(b("  { }  "), "m"))).isEqualTo("  {\"model\":\"m\" }  ");
  }

  @Test
  void theModelIsEscaped() {
    byte[] out = BodyRewriter.withModel(b("{\"model\":\"x\"}"), "we\"ird\\né");
    assertThat(s(out)).isEqualTo("{\"model\":\"we\\\"ird\\\\n\u00e9\"}");
    assertThat(CacheKeys.canonicalJson(out, Set.of())).as("still valid JSON").isNotNull();
  }

  @Test
  void everyDuplicateTopLevelModelIsReplaced() {
    assertThat(s(BodyRewriter.withModel(b("{\"model\":\"a\",\"model\":\"b\"}"), "c")))
        .isEqualTo("{\"model\":\"c\",\"model\":\"c\"}");
  }

  @Test
  void overridesSetAndInsertRawJsonValues() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("model", "\"claude-3-haiku\"");
    o.put("max_tokens", "1024");
    o.put("metadata", "{\"a\": [1, 2]}");
    String out = s(BodyRewriter.withOverrides(b("{\"model\":\"gpt-4o\",\"messages\":[],\"max_tokens\":10}"), o));
    assertThat(out).isEqualTo("{\"metadata\":{\"a\": [1, 2]},\"model\":\"claude-3-haiku\",\"messages\":[],\"max_tokens\":1024}");
    assertThat(CacheKeys.canonicalJson(b(out), Set.of())).isNotNull();
  }

  @Test
  void badJsonOrBadOverridesComeBackUnchanged() {
    for (String bad : new String[] {"", "not json", "{\"model\":", "{\"model\":\"x\"", "[1,2]", "\"str\"",
        "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{'model':'x'}"}) {
      byte[] in = b(bad);
      assertThat(BodyRewriter.withModel(in, "y")).as(bad).isSameAs(in);
    }
    byte[] in = b("{\"model\":\"x\"}");
    assertThat(BodyRewriter.withOverrides(in, Map.of("model", "not json"))).isSameAs(in);
    assertThat(BodyRewriter.withOverrides(in, Map.of("model", "1 2"))).isSameAs(in);
    assertThat(BodyRewriter.withOverrides(in, Map.of())).isSameAs(in);
    assertThat(BodyRewriter.withOverrides(in, null)).isSameAs(in);
    assertThat(BodyRewriter.withModel(in, null)).isSameAs(in);
    assertThat(BodyRewriter.withModel(null, "y")).isNull();
    byte[] deep = b("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
    assertThat(BodyRewriter.withModel(deep, "y")).isSameAs(deep);
    byte[] utf16 = "{\"model\":\"x\"}".getBytes(StandardCharsets.UTF_16);
    assertThat(BodyRewriter.withModel(utf16, "y")).isSameAs(utf16);
  }

  @Test
  void multiByteTextBeforeTheModelKeepsOffsetsRight() {
    String body = "{\"messages\":[{\"content\":\"日本語 \uD83D\uDE00 ü\"}],\"model\":\"m1\",\"z\":\"€\"}";
    assertThat(s(BodyRewriter.withModel(b(body), "m2"))).isEqualTo(body.replace("\"m1\"", "\"m2\""));
  }

  @Test
  void azureDeploymentPath() {
    assertThat(BodyRewriter.azureDeploymentPath("/openai/deployments/gpt-4o/chat/completions", "gpt-4o-mini"))
        .isEqualTo("/openai/deployments/gpt-4o-mini/chat/completions");
    assertThat(BodyRewriter.azureDeploymentPath("/openai/deployments/emb-large/embeddings", "emb-small"))
        .isEqualTo("/openai/deployments/emb-small/embeddings");
    String notAzure = "/v1/chat/completions";
    assertThat(BodyRewriter.azureDeploymentPath(notAzure, "gpt-4o-mini")).isSameAs(notAzure);
    String path = "/openai/deployments/gpt-4o/chat/completions";
    assertThat(BodyRewriter.azureDeploymentPath(path, "a/b")).as("not a path segment").isSameAs(path);
    assertThat(BodyRewriter.azureDeploymentPath(path, "")).isSameAs(path);
    assertThat(BodyRewriter.azureDeploymentPath(path, "x y")).isSameAs(path);
    String noSegment = "/openai/deployments/";
    assertThat(BodyRewriter.azureDeploymentPath(noSegment, "d")).isSameAs(noSegment);
  }

  @Test
  void geminiPath() {
    assertThat(BodyRewriter.geminiPathWithModel("/v1beta/models/gemini-1.5-pro:generateContent", "gemini-2.0-flash"))
        .isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
    assertThat(BodyRewriter.geminiPathWithModel("/v1beta/models/gemini-1.5-pro:streamGenerateContent?alt=sse",
        "models/gemini-2.0-flash")).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    assertThat(BodyRewriter.geminiPathWithModel(
        "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro:generateContent", "gemini-2.0"))
        .isEqualTo("/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0:generateContent");
  }

  @Test
  void geminiPathUnchangedWhenItCannotBeRewritten() {
    String p = "/v1beta/models/gemini-1.5-pro:generateContent";
    assertThat(BodyRewriter.geminiPathWithModel("/v1/chat/completions", "m")).isEqualTo("/v1/chat/completions");
    assertThat(BodyRewriter.geminiPathWithModel("/v1beta/tunedModels/x:generateContent", "m"))
        .isEqualTo("/v1beta/tunedModels/x:generateContent");
    assertThat(BodyRewriter.geminiPathWithModel("/v1beta/models/:generateContent", "m"))
        .isEqualTo("/v1beta/models/:generateContent");
    assertThat(BodyRewriter.geminiPathWithModel("/v1beta/models/x?q=a:b", "m")).isEqualTo("/v1beta/models/x?q=a:b");
    for (String bad : new String[] {"", "a/b", "a:b", "a b", "a?b", "a#b", "a%2Fb", "models/"}) {
      assertThat(BodyRewriter.geminiPathWithModel(p, bad)).as(bad).isEqualTo(p);
    }
    assertThat(BodyRewriter.geminiPathWithModel(p, null)).isEqualTo(p);
    assertThat(BodyRewriter.geminiPathWithModel(null, "m")).isNull();
  }
}
