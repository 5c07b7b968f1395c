package dev.tollgate.pipeline;

import dev.tollgate.internal.TollgateLog;
import dev.tollgate.limit.Limits;
import dev.tollgate.policy.BodyRewriter;
import dev.tollgate.policy.CacheKeys;
import dev.tollgate.policy.CacheSettings;
import dev.tollgate.policy.CachedResponse;
import dev.tollgate.policy.CallPolicies;
import dev.tollgate.policy.FallbackTarget;
import dev.tollgate.policy.ResponseCache;
import dev.tollgate.policy.RetrySettings;
import dev.tollgate.provider.Endpoint;
import dev.tollgate.provider.HeaderLookup;
import dev.tollgate.provider.WireFormat;
import dev.tollgate.telemetry.CallRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Drives one call through the policies in the documented order: admission by the rate limits
 * and budgets (may refuse), cache (may answer), then
 * attempts, each retried under the retry policy, and when a target keeps failing with a
 * fallback code, the next fallback target with its own retries. Client-neutral: adapters
 * ask it what to send next and tell it what came back; it never touches a client.
 *
 * <p>What counts as failure is each policy's own: the retry settings decide which statuses
 * and exceptions are retried; each fallback target decides which statuses trigger it.
 * A response that no policy wants to repeat is delivered to the application as it is.
 */
final class PolicyDriver {
  private static final int MAX_CACHED_BODY = 8 << 20;

  private final Gateway gateway;
  private final CallRecord record;
  private final CallPolicies policies;
  private final Endpoint originalEndpoint;
  private final URI originalUri;
  private final byte[] originalBody;
  private final String requestModel;
  private final boolean usedHelicone;
  private final CacheKeys cacheKeys;

  private AttemptPlan current;
  private CallRecord.Attempt currentAttempt;
  private int attempts;
  private int retriesOnTarget;
  private int totalRetries;
  private int fallbackIndex;
  private CachedResponse servedFromCache;
  /** The agent's own 429 when a rate limit or budget refused the call. */
  private CachedResponse refusal;
  private Limits.Verdict verdict;
  /** The entry this call stored, awaiting its cost. */
  private CachedResponse stored;

  // cache write: the delivered response, captured as it passes
  private List<Map.Entry<String, String>> responseHeaders;
  private ByteArrayOutputStream capture;
  private int deliveredStatus = -1;

  PolicyDriver(Gateway gateway, CallRecord record, CallPolicies policies, Endpoint endpoint, URI uri, byte[] body,
      String credential, boolean usedHelicone) {
    this.gateway = gateway;
    this.record = record;
    this.policies = policies;
    this.originalEndpoint = endpoint;
    this.originalUri = uri;
    this.originalBody = body == null ? new byte[0] : body;
    this.requestModel = record.requestModel;
    this.usedHelicone = usedHelicone;
    CacheSettings cache = policies.cache();
    this.cacheKeys = cache == null ? null
        : CacheKeys.of(record.provider, record.path, this.originalBody, credential, cache);
    if (policies.retry() != null) {
      record.retryCount = 0L;
    }
    if (!policies.fallbacks().isEmpty()) {
      record.fallbackIndex = 0L;
    }
  }

  /**
   * The answer to serve instead of calling the provider, or null: the agent's own 429 when a
   * rate limit or budget refuses the call, else a cache hit. Sets the cache status.
   */
  CachedResponse cacheLookup() {
    if (policies.admission()) {
      verdict = gateway.limits().admit(policies.rateLimit(), Gateway.scopeValues(record));
      if (verdict.refusedBy() != null) {
        record.blockedBy = verdict.refusedBy();
        refusal = Refusals.of(verdict, originalEndpoint.format());
        return refusal;
      }
    }
    CacheSettings cache = policies.cache();
    if (cache == null) {
      return null;
    }
    if (!cache.read()) {
      record.cacheStatus = "bypass";
      return null;
    }
    ResponseCache store = gateway.responseCache();
    CachedResponse hit = store == null ? null : store.lookup(cacheKeys);
    if (hit == null) {
      record.cacheStatus = "miss";
      return null;
    }
    record.cacheStatus = "hit";
    servedFromCache = hit;
    return hit;
  }

  AttemptPlan first() {
    current = plan(0, 0, true);
    begin(current);
    return current;
  }

  /** After an attempt's response head: the next attempt, or null to deliver this response. */
  AttemptPlan afterResponse(int status, HeaderLookup headers) {
    if (currentAttempt != null) {
      currentAttempt.statusCode = status;
    }
    if (status < 400) {
      return null;
    }
    RetrySettings retry = policies.retry();
    if (retry != null && retriesOnTarget < retry.maxRetries() && retry.retriesStatus(status)) {
      return retry(retry.delayMillis(retriesOnTarget + 1, headers));
    }
    List<FallbackTarget> fallbacks = policies.fallbacks();
    for (int i = fallbackIndex; i < fallbacks.size(); i++) {
      if (fallbacks.get(i).triggeredBy(status)) {
        return fallTo(i);
      }
    }
    return null;
  }

  /** After an attempt failed without a response: the next attempt, or null to give up. */
  AttemptPlan afterFailure(Throwable error) {
    if (currentAttempt != null) {
      currentAttempt.errorType = error.getClass().getName();
    }
    if (!(error instanceof IOException)) {
      return null; // interrupted, or a bug: not something another attempt fixes
    }
    RetrySettings retry = policies.retry();
    if (retry != null && retriesOnTarget < retry.maxRetries()) {
      return retry(retry.delayMillis(retriesOnTarget + 1, null));
    }
    List<FallbackTarget> fallbacks = policies.fallbacks();
    for (int i = fallbackIndex; i < fallbacks.size(); i++) {
      if (fallbacks.get(i).triggeredByConnectionFailure()) {
        return fallTo(i);
      }
    }
    return null;
  }

  private AttemptPlan fallTo(int i) {
    fallbackIndex = i + 1;
    retriesOnTarget = 0;
    record.fallbackIndex = (long) fallbackIndex;
    AttemptPlan next = plan(fallbackIndex, 0, false);
    begin(next);
    return next;
  }

  private AttemptPlan retry(long delayMillis) {
    retriesOnTarget++;
    totalRetries++;
    record.retryCount = (long) totalRetries;
    AttemptPlan next = new AttemptPlan(current.number() + 1, current.uri(), current.body(), current.headers(),
        Math.max(0, delayMillis), current.model(), current.fallbackIndex(), current.endpoint(),
        current.isOriginalRequest(), current.removedHeaders());
    begin(next);
    return next;
  }

  private void begin(AttemptPlan plan) {
    current = plan;
    attempts++;
    if (policies.retry() == null && policies.fallbacks().isEmpty()) {
      return; // a cache-only call makes one attempt: no events
    }
    Instant at = Instant.now().plusMillis(plan.delayMillis());
    currentAttempt = new CallRecord.Attempt(plan.number(), at.getEpochSecond() * 1_000_000_000L + at.getNano(),
        plan.delayMillis(), plan.model(), plan.fallbackIndex());
    if (record.attempts.size() < 32) {
      record.attempts.add(currentAttempt);
    }
  }

  /** The plan for target {@code index} (0 = the application's request, i = fallback i). */
  private AttemptPlan plan(int index, long delay, boolean first) {
    if (index == 0) {
      return new AttemptPlan(first ? 1 : attempts + 1, originalUri, originalBody, Map.of(), delay, requestModel, 0,
          originalEndpoint, true, Set.of());
    }
    FallbackTarget target = policies.fallbacks().get(index - 1);
    URI uri = originalUri;
    byte[] body = originalBody;
    Endpoint endpoint = originalEndpoint;
    String model = requestModel;
    if (target.targetUrl() != null) {
      uri = target.targetUrl();
      String targetPath = uri.getRawPath();
      if (targetPath == null || targetPath.isEmpty() || targetPath.equals("/")) {
        // an origin only (Helicone's examples: "https://api.openai.com"): keep the request's path
        String q = originalUri.getRawQuery();
        uri = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + originalUri.getRawPath()
            + (q == null ? "" : "?" + q));
      }
      Endpoint recognized = gateway.recognize(uri.getHost(), uri.getPort(), uri.getRawPath() == null ? "" : uri.getRawPath(),
          name -> target.headers().get(name));
      if (recognized != null) {
        endpoint = recognized;
      }
      if (!target.bodyKeyOverride().isEmpty()) {
        body = BodyRewriter.withOverrides(body, target.bodyKeyOverride());
        String raw = target.bodyKeyOverride().get("model");
        if (raw != null) {
          model = unquote(raw);
        }
      }
    }
    if (target.model() != null) {
      model = target.model();
      String azurePath = BodyRewriter.azureDeploymentPath(uri.getRawPath(), model);
      if (endpoint.format() == WireFormat.GEMINI_GENERATE_CONTENT) {
        uri = withPath(uri, BodyRewriter.geminiPathWithModel(uri.getRawPath(), model));
      } else if (azurePath != uri.getRawPath()) {
        // Azure OpenAI: the deployment in the path decides; the fallback names the deployment to
        // try. The body's model is changed too when the app put one there, never added.
        uri = withPath(uri, azurePath);
        if (requestModel != null) {
          body = BodyRewriter.withModel(body, model);
        }
      } else {
        body = BodyRewriter.withModel(body, model);
      }
    }
    Set<String> removed = Set.of();
    if (!sameHost(uri, originalUri)) {
      removed = new HashSet<>(CREDENTIALS);
      for (String name : target.headers().keySet()) {
        removed.remove(name.toLowerCase(Locale.ROOT));
      }
    }
    return new AttemptPlan(attempts + 1, uri, body, target.headers(), delay, model, index, endpoint, false, removed);
  }

  private static final Set<String> CREDENTIALS = Set.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort();
  }

  private static URI withPath(URI uri, String rawPath) {
    String q = uri.getRawQuery();
    return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + rawPath + (q == null ? "" : "?" + q));
  }

  private static String unquote(String rawJson) {
    String s = rawJson.trim();
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }

  /** The endpoint of the attempt being delivered (a fallback may target another provider). */
  Endpoint currentEndpoint() {
    return current == null ? originalEndpoint : current.endpoint();
  }

  /** Response headers Tollgate adds to what the application sees. */
  List<Map.Entry<String, String>> extraResponseHeaders() {
    List<Map.Entry<String, String>> extra = new ArrayList<>(2);
    if (record.cacheStatus != null && !"bypass".equals(record.cacheStatus)) {
      String v = "hit".equals(record.cacheStatus) ? "HIT" : "MISS";
      extra.add(Map.entry("Tollgate-Cache", v));
      if (usedHelicone) {
        extra.add(Map.entry("Helicone-Cache", v));
      }
    }
    if (verdict != null && verdict.reported() != null) {
      Refusals.rateLimitHeaders(verdict.reported(), usedHelicone, extra);
    }
    if (!policies.fallbacks().isEmpty() && servedFromCache == null && refusal == null) {
      extra.add(Map.entry("Tollgate-Fallback-Index", Integer.toString(fallbackIndex)));
      if (usedHelicone) {
        extra.add(Map.entry("Helicone-Fallback-Index", Integer.toString(fallbackIndex)));
      }
    }
    return extra;
  }

  /** True when the delivered response will be written to the cache (the adapter then lists its headers). */
  boolean wantsResponseHeaders() {
    CacheSettings cache = policies.cache();
    return cache != null && cache.write() && servedFromCache == null && refusal == null;
  }

  void onDelivered(int status, List<Map.Entry<String, String>> headers) {
    deliveredStatus = status;
    if (wantsResponseHeaders() && status >= 200 && status < 300 && headers != null) {
      List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
      for (Map.Entry<String, String> h : headers) {
        if (replayable(h.getKey())) {
          kept.add(h);
        }
      }
      responseHeaders = kept;
      capture = new ByteArrayOutputStream(8192);
    }
  }

  void onBytes(byte[] bytes, int offset, int length) {
    if (capture != null) {
      if (capture.size() + length > MAX_CACHED_BODY) {
        capture = null; // too large to keep: not cached
      } else {
        capture.write(bytes, offset, length);
      }
    }
  }

  /**
   * The moment the call ends, before it is priced (which may wait for the warm-up): a clean,
   * complete 2xx answer under a write policy is stored at once, so the next identical call is
   * a hit; its cost is settled by {@link #onPriced}.
   */
  void onEnded(boolean cleanEnd) {
    if (servedFromCache != null) {
      return;
    }
    CacheSettings cache = policies.cache();
    if (cache == null || !cache.write() || capture == null || !cleanEnd || record.errorType != null
        || deliveredStatus < 200 || deliveredStatus >= 300) {
      return;
    }
    ResponseCache store = gateway.responseCache();
    if (store == null) {
      return;
    }
    try {
      CachedResponse entry = CachedResponse.awaitingCost(deliveredStatus, responseHeaders, capture.toByteArray());
      capture = null;
      store.store(cacheKeys, entry, cache.ttlMillis());
      stored = entry;
    } catch (Throwable t) {
      TollgateLog.warnOnce("cache:store", "could not store a response in the cache", t);
    }
  }

  /** After pricing: a hit costs nothing and saved what the stored answer cost; a stored answer learns its cost. */
  void onPriced() {
    if (refusal != null) {
      record.costUsd = 0.0; // answered by the agent: the provider charged nothing
    } else if (servedFromCache != null) {
      record.costUsd = 0.0;
      record.cacheSavedUsd = servedFromCache.costUsd();
    } else if (stored != null) {
      stored.settleCost(record.costUsd);
    }
  }

  /**
   * Just before the call is exported: a hit priced before the answer it replays was (the
   * answer's own end may still wait for the warm-up, in order, ahead of this one) learns what
   * that answer cost now.
   */
  void beforeExport() {
    if (servedFromCache != null && record.cacheSavedUsd == null) {
      record.cacheSavedUsd = servedFromCache.costUsd(SAVED_COST_WAIT_MILLIS);
    }
  }

  /**
   * How long a hit's export may wait for the answer it replays to be priced. Ends are
   * completed in order, so this only covers the moment in which that answer's end is being
   * completed on another thread.
   */
  private static final long SAVED_COST_WAIT_MILLIS = 100;

  /** The call's admission by the rate limits and budgets; null when none applied. */
  Limits.Verdict verdict() {
    return verdict;
  }

  /** Response headers worth replaying from the cache: not the hop-by-hop ones, not ours. */
  static boolean replayable(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return !(n.equals("content-length") || n.equals("transfer-encoding") || n.equals("connection")
        || n.equals("keep-alive") || n.equals("content-encoding") || n.startsWith("tollgate-")
        || n.startsWith("helicone-") || n.equals(":status") || n.equals("set-cookie"));
  }
}
