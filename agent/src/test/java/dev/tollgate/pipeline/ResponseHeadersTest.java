package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.telemetry.CallRecord;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadersTest {

  /** Case-insensitive, as every client adapter's lookup is. */
  private static HeaderLookup headers(Map<String, String> map) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.putAll(map);
    return name -> m.get(name.toLowerCase(Locale.ROOT));
  }

  private static CallRecord read(Map<String, String> map) {
    CallRecord r = new CallRecord();
    ResponseHeaders.readRateLimits(headers(map), r);
    return r;
  }

  @Test
  void openAiRateLimitHeaders() {
    CallRecord r = read(Map.of(
        "x-ratelimit-limit-requests", "10000",
        "x-ratelimit-remaining-requests", "9999",
        "x-ratelimit-limit-tokens", "30000000",
        "x-ratelimit-remaining-tokens", "29999950",
        "x-ratelimit-reset-requests", "6ms"));

    assertThat(r.rateLimitRequests).isEqualTo(10_000L);
    assertThat(r.rateLimitRemainingRequests).isEqualTo(9_999L);
    assertThat(r.rateLimitTokens).isEqualTo(30_000_000L);
    assertThat(r.rateLimitRemainingTokens).isEqualTo(29_999_950L);
  }

  @Test
  void anthropicRateLimitHeaders() {
    CallRecord r = read(Map.of(
        "anthropic-ratelimit-requests-limit", "50",
        "anthropic-ratelimit-requests-remaining", "49",
        "anthropic-ratelimit-tokens-limit", "80000",
        "anthropic-ratelimit-tokens-remaining", "79000",
        "anthropic-ratelimit-requests-reset", "2026-01-01T00:00:00Z"));

    assertThat(r.rateLimitRequests).isEqualTo(50L);
    assertThat(r.rateLimitRemainingRequests).isEqualTo(49L);
    assertThat(r.rateLimitTokens).isEqualTo(80_000L);
    assertThat(r.rateLimitRemainingTokens).isEqualTo(79_000L);
  }

  @Test
  void remainingCountsWithoutLimitsAreKept() {
    // Azure OpenAI sends only the remaining counts
    CallRecord r = read(Map.of(
        "x-ratelimit-remaining-requests", "99",
        "x-ratelimit-remaining-tokens", "9000"));

    assertThat(r.rateLimitRequests).isNull();
    assertThat(r.rateLimitRemainingRequests).isEqualTo(99L);
    assertThat(r.rateLimitTokens).isNull();
    assertThat(r.rateLimitRemainingTokens).isEqualTo(9_000L);
  }

  @Test
  void headerNamesAreCaseInsensitiveThroughTheLookup() {
    CallRecord r = read(Map.of("X-RateLimit-Limit-Requests", "7"));
    assertThat(r.rateLimitRequests).isEqualTo(7L);
  }

  @Test
  void noHeadersLeaveEverythingUnset() {
    CallRecord r = new CallRecord();
    ResponseHeaders.readRateLimits(HeaderLookup.NONE, r);

    assertThat(r.rateLimitRequests).isNull();
    assertThat(r.rateLimitRemainingRequests).isNull();
    assertThat(r.rateLimitTokens).isNull();
    assertThat(r.rateLimitRemainingTokens).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "abc", "-1", "1.5", "1e3", "10k", "+5", "0x10", "1 000", "1234567890123456789"})
  void nonNumbersAreIgnored(String value) {
    CallRecord r = read(Map.of(
        "x-ratelimit-limit-requests", value,
        "x-ratelimit-remaining-requests", value,
        "x-ratelimit-limit-tokens", value,
        "x-ratelimit-remaining-tokens", value));

    assertThat(r.rateLimitRequests).isNull();
    assertThat(r.rateLimitRemainingRequests).isNull();
    assertThat(r.rateLimitTokens).isNull();
    assertThat(r.rateLimitRemainingTokens).isNull();
  }

  @Test
  void number() {
    assertThat(ResponseHeaders.number("0")).isZero();
    assertThat(ResponseHeaders.number(" 42 ")).isEqualTo(42L);
    assertThat(ResponseHeaders.number("123456789012345678")).isEqualTo(123_456_789_012_345_678L);
    assertThat(ResponseHeaders.number(null)).isNull();
    assertThat(ResponseHeaders.number("4x")).isNull();
  }
}
