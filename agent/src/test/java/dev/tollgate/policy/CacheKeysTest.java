package dev.tollgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
  private static final CacheSettings PLAIN = CacheSettings.builder().build();
  private static final String KEY = "sk-proj-SECRETsecret_0123";

  private static CacheKeys keys(String body) {
    return keys(body, PLAIN);
  }

  private static CacheKeys keys(String body, CacheSettings s) {
    return CacheKeys.of("openai", "/v1/chat/completions", bytes(body), "Bearer " + KEY, s);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aKeyIsSixtyFourHexDigits() {
    CacheKeys k = keys("{\"model\":\"gpt-4o\"}");
    assertThat(k.size()).isEqualTo(1);
    assertThat(k.slot(0)).matches("[0-9a-f]{64}");
  }

  @Test
  void sameJsonWithOtherKeyOrderAndWhitespaceHasTheSameKey() {
    CacheKeys a = keys("{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    CacheKeys b = keys("{\n  \"messages\" : [ { \"content\" : \"hi\", \"role\" : \"user\" } ],\n"
        + "  \"temperature\": 0,\n  \"model\": \"gpt-4o\"\n}\n");
    assertThat(a).isEqualTo(b);
    assertThat(a.slot(0)).isEqualTo(b.slot(0));
  }

  @Test
  void nestedObjectsAreSortedTooButArrayOrderCounts() {
    assertThat(keys("{\"a\":{\"y\":{\"q\":1,\"p\":2},\"x\":1}}"))
        .isEqualTo(keys("{\"a\":{\"x\":1,\"y\":{\"p\":2,\"q\":1}}}"));
    assertThat(keys("{\"a\":[1,2]}")).isNotEqualTo(keys("{\"a\":[2,1]}"));
  }

  @Test
  void equivalentStringEscapesHaveTheSameKey() {
    assertThat(keys("{\"a\":\"\\u0041\\/\"}")).isEqualTo(keys("{\"a\":\"A/\"}"));
  }

  @Test
  void differentValuesAndTypesHaveDifferentKeys() {
    assertThat(keys("{\"a\":1}")).isNotEqualTo(keys("{\"a\":2}"));
    assertThat(keys("{\"a\":1}")).isNotEqualTo(keys("{\"a\":\"1\"}"));
    assertThat(keys("{\"a\":1}")).isNotEqualTo(keys("{\"a\":1.0}"));
    assertThat(keys("{\"a\":null}")).isNotEqualTo(keys("{}"));
    assertThat(keys("{\"stream\":true}")).isNotEqualTo(keys("{\"stream\":false}"));
  }

  @Test
  void ignoreKeysRemoveTopLevelKeysOnly() {
    CacheSettings ignoreUser = CacheSettings.builder().ignoreKeys(List.of("user", "metadata")).build();

    CacheKeys a = keys("{\"model\":\"m\",\"user\":\"alice\",\"metadata\":{\"run\":1}}", ignoreUser);
    CacheKeys b = keys("{\"model\":\"m\",\"user\":\"bob\"}", ignoreUser);
    CacheKeys c = keys("{\"model\":\"m\"}", ignoreUser);
    assertThat(a).isEqualTo(b).isEqualTo(c);

    CacheKeys nestedAlice = keys("{\"model\":\"m\",\"opts\":{\"user\":\"alice\"}}", ignoreUser);
    CacheKeys nestedBob = keys("{\"model\":\"m\",\"opts\":{\"user\":\"bob\"}}", ignoreUser);
    assertThat(nestedAlice).as("a nested 'user' still counts").isNotEqualTo(nestedBob);

    assertThat(keys("{\"model\":\"m\",\"user\":\"alice\"}")).as("without ignore-keys")
        .isNotEqualTo(keys("{\"model\":\"m\",\"user\":\"bob\"}"));
  }

  @Test
  void differentSeedsProviderPathOrCredentialNeverShareAKey() {
    byte[] body = bytes("{\"model\":\"m\"}");
    CacheSettings seedA = CacheSettings.builder().seed("a").build();
    CacheSettings seedB = CacheSettings.builder().seed("b").build();
    Set<String> all = new HashSet<>();
    all.add(CacheKeys.of("openai", "/v1/chat/completions", body, "Bearer k1", PLAIN).slot(0));
    all.add(CacheKeys.of("openai", "/v1/chat/completions", body, "Bearer k2", PLAIN).slot(0));
    all.add(CacheKeys.of("openai", "/v1/chat/completions", body, null, PLAIN).slot(0));
    all.add(CacheKeys.of("openai", "/v1/chat/completions", body, "Bearer k1", seedA).slot(0));
    all.add(CacheKeys.of("openai", "/v1/chat/completions", body, "Bearer k1", seedB).slot(0));
    all.add(CacheKeys.of("groq", "/v1/chat/completions", body, "Bearer k1", PLAIN).slot(0));
    all.add(CacheKeys.of("openai", "/v1/completions", body, "Bearer k1", PLAIN).slot(0));
    assertThat(all).hasSize(7);

    assertThat(CacheKeys.of("openai", "/p", body, "Bearer k1", seedA))
        .isEqualTo(CacheKeys.of("openai", "/p", body, "Bearer k1", CacheSettings.builder().seed("a").build()));
  }

  @Test
  void fieldsDoNotRunTogether() {
    byte[] body = bytes("{}");
    assertThat(CacheKeys.of("ab", "c", body, null, PLAIN)).isNotEqualTo(CacheKeys.of("a", "bc", body, null, PLAIN));
    assertThat(CacheKeys.of(null, "x", body, null, PLAIN)).isNotEqualTo(CacheKeys.of("", "x", body, null, PLAIN));
  }

  @Test
  void theCredentialNeverAppearsInTheKeys() {
    CacheKeys k = keys("{\"model\":\"m\"}", CacheSettings.builder().bucketMaxSize(5).seed("s").build());
    String shown = k.toString();
    assertThat(shown).doesNotContain(KEY).doesNotContain("SECRET").doesNotContain("Bearer");
    for (int i = 0; i < k.size(); i++) {
      assertThat(k.slot(i)).doesNotContain(KEY).matches("[0-9a-f]{64}");
      assertThat(shown).contains(k.slot(i));
    }
  }

  @Test
  void eachBucketSlotHasItsOwnKeyAndSlotsDoNotDependOnTheBucketSize() {
    CacheKeys three = keys("{}", CacheSettings.builder().bucketMaxSize(3).build());
    CacheKeys one = keys("{}");
    assertThat(three.size()).isEqualTo(3);
    assertThat(Set.of(three.slot(0), three.slot(1), three.slot(2))).hasSize(3);
    assertThat(three.slot(0)).as("slot 0 is shared, as in Helicone").isEqualTo(one.slot(0));
  }

  @Test
  void aBodyThatIsNotJsonIsHashedAsRawBytes() {
    CacheKeys a = CacheKeys.of("openai", "/p", bytes("not json {"), "k", PLAIN);
    CacheKeys b = CacheKeys.of("openai", "/p", bytes("not json {"), "k", PLAIN);
    CacheKeys c = CacheKeys.of("openai", "/p", bytes("not  json {"), "k", PLAIN);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    assertThat(CacheKeys.of("openai", "/p", bytes("{\"a\":1} trailing"), "k", PLAIN))
        .isNotEqualTo(CacheKeys.of("openai", "/p", bytes("{\"a\":1}"), "k", PLAIN));
    assertThat(CacheKeys.of("openai", "/p", null, "k", PLAIN)).isEqualTo(CacheKeys.of("openai", "/p", new byte[0], "k", PLAIN));
    byte[] deep = bytes("[".repeat(5000) + "]".repeat(5000));
    assertThat(CacheKeys.of("openai", "/p", deep, "k", PLAIN).slot(0)).as("too deep: raw bytes, no error")
        .matches("[0-9a-f]{64}");
  }

  @Test
  void canonicalFormIsCompactAndSorted() {
    byte[] c = CacheKeys.canonicalJson(bytes("{ \"b\" : [ 1 , {\"z\":null,\"y\":true} ], \"a\" : \"x\" }"), Set.of());
    assertThat(new String(c, StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"x\",\"b\":[1,{\"y\":true,\"z\":null}]}");
    assertThat(CacheKeys.canonicalJson(bytes("{\"a\":1,\"a\":2}"), Set.of())).as("the last duplicate counts")
        .isEqualTo(bytes("{\"a\":2}"));
  }
}
