package dev.tollgate.pricing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tollgate.internal.TollgateLog;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Puts a price on a finished call: finds the model's price-table entry and sets {@link
 * CallRecord#costUsd} and {@link CallRecord#pricingModel}. One per JVM; immutable and safe to
 * share between threads.
 *
 * <p>Why this look-up order: providers report dated snapshots ({@code gpt-4o-mini-2024-07-18})
 * and the same bare name is sold by several vendors at different prices ({@code llama-3.1-8b}
 * on Groq is not Together's). So for the model that answered, then the model that was asked
 * for, we try each vendor prefix ({@code groq/<model>}) before the bare name, then the model
 * lower-cased, then all of that again with a date suffix removed. The first hit wins. A model
 * that is still not found is recorded as unpriced with a warning: a {@code null} cost, never
 * {@code 0}, so that dashboards do not show unknown spend as free.
 *
 * <p>Why no regex or cache: a look-up is a handful of {@code HashMap} gets and at most a few
 * short strings, cheaper than any cache in front of it.
 */
public final class Pricer {
  private final PriceTable table;

  private Pricer(PriceTable table) {
    this.table = table;
  }

  /**
   * The pricer for this JVM: the bundled table with {@code userFile} (the {@code
   * tollgate.pricing.file} setting; null or blank for none) layered over it. Never throws: a
   * user file that is missing, unreadable or not a valid price table is reported once on
   * stderr and the bundled table is used alone.
   */
  public static Pricer create(String userFile) {
    PriceTable bundled = PriceTable.bundled();
    if (userFile == null || userFile.isBlank()) {
      return new Pricer(bundled);
    }
    PriceTable user = readUserFile(userFile.strip());
    return new Pricer(user == null ? bundled : user.layeredOver(bundled));
  }

  /** A pricer over exactly this table (tests, and callers that build their own table). */
  public static Pricer of(PriceTable table) {
    return new Pricer(table);
  }

  /** The table this pricer reads. */
  public PriceTable table() {
    return table;
  }

  private static PriceTable readUserFile(String file) {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      userFileProblem(file, "is not a valid path (" + e.getReason() + ")");
      return null;
    }
    try (InputStream in = Files.newInputStream(path)) {
      PriceTable user = PriceTable.parse(in);
      if (user.size() == 0) {
        userFileProblem(file, "has no usable entry (an entry needs input_cost_per_token and "
            + "output_cost_per_token)");
      }
      return user;
    } catch (NoSuchFileException e) {
      userFileProblem(file, "does not exist");
    } catch (AccessDeniedException e) {
      userFileProblem(file, "cannot be read (permission denied)");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      userFileProblem(file, "is not a valid price table in LiteLLM's JSON format ("
          + e.getOriginalMessage()
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
          + ")");
    } catch (IOException | RuntimeException e) {
      userFileProblem(file, "cannot be read (" + TollgateLog.describe(e) + ")");
    }
    return null;
  }

  private static void userFileProblem(String file, String problem) {
    TollgateLog.warnOnce("pricing.file",
        "price file " + file + " (tollgate.pricing.file) " + problem
            + "; using the bundled prices only");
  }

  /**
   * Prices {@code record} from its token counts and model names. A record without usage (no
   * input and no output token count) is left untouched. A record whose model is not in the
   * table keeps a null cost and gets the warning {@code "unpriced model: <model>"}.
   *
   * @param prefixes the LiteLLM key prefixes of the call's provider, most specific first (e.g.
   *     {@code ["groq/"]}); may be empty
   */
  public void price(CallRecord record, List<String> prefixes) {
    if (record.inputTokens == null && record.outputTokens == null) {
      return;
    }
    String response = record.responseModel;
    String request = record.requestModel;
    ModelPrice price = response == null ? null : lookUp(response, prefixes);
    if (price == null && request != null && !request.equals(response)) {
      price = lookUp(request, prefixes);
    }
    if (price == null) {
      record.warn(response == null && request == null
          ? "unpriced call: no model name"
          : "unpriced model: " + (response != null ? response : request));
      return;
    }
    record.pricingModel = price.key();
    record.costUsd = price.cost(
        orZero(record.inputTokens),
        orZero(record.outputTokens),
        orZero(record.cacheReadTokens),
        orZero(record.cacheCreationTokens),
        orZero(record.cacheCreation1hTokens), // the rest of the cache writes: 5-minute ones
        orZero(record.reasoningTokens));
  }

  /** The entry for one model name, following the order in the class comment; null if none. */
  ModelPrice lookUp(String model, List<String> prefixes) {
    ModelPrice price = withPrefixes(model, prefixes);
    if (price != null) {
      return price;
    }
    String lower = model.toLowerCase(Locale.ROOT);
    boolean hasUpper = !lower.equals(model);
    if (hasUpper && (price = withPrefixes(lower, prefixes)) != null) {
      return price;
    }
    String undated = stripDateSuffix(model);
    if (undated == null) {
      return null;
    }
    price = withPrefixes(undated, prefixes);
    if (price == null && hasUpper) {
      price = withPrefixes(undated.toLowerCase(Locale.ROOT), prefixes);
    }
    return price;
  }

  private ModelPrice withPrefixes(String model, List<String> prefixes) {
    if (prefixes != null) {
      for (int i = 0, n = prefixes.size(); i < n; i++) {
        String prefix = prefixes.get(i);
        if (prefix != null && !prefix.isEmpty()) {
          ModelPrice price = table.find(prefix.concat(model));
          if (price != null) {
            return price;
          }
        }
      }
    }
    return table.find(model);
  }

  /**
   * The model name without a trailing snapshot date, or null when it has none. Recognised:
   * {@code -YYYY-MM-DD} (OpenAI: {@code gpt-4o-mini-2024-07-18}), {@code -YYYYMMDD} (Anthropic:
   * {@code claude-3-5-sonnet-20240620}), {@code @YYYYMMDD} (Vertex AI: {@code
   * claude-3-5-sonnet@20240620}) and {@code -MMDD} (OpenAI, DeepSeek: {@code gpt-4-0613}). The
   * digits must read as a date (year 20xx, month 01-12, day 01-31), so that numbers which are
   * not dates, such as a context size ({@code -8192}, {@code -32768}), are left alone.
   */
  static String stripDateSuffix(String model) {
    int n = model.length();
    if (n > 11
        && model.charAt(n - 11) == '-'
        && model.charAt(n - 6) == '-'
        && model.charAt(n - 3) == '-'
        && isDate(model, n - 10, n - 5, n - 2)) {
      return model.substring(0, n - 11);
    }
    char c;
    if (n > 9
        && ((c = model.charAt(n - 9)) == '-' || c == '@')
        && isDate(model, n - 8, n - 4, n - 2)) {
      return model.substring(0, n - 9);
    }
    if (n > 5 && model.charAt(n - 5) == '-' && isMonthDay(model, n - 4, n - 2)) {
      return model.substring(0, n - 5);
    }
    return null;
  }

  private static boolean isDate(String s, int year, int month, int day) {
    return s.charAt(year) == '2' && s.charAt(year + 1) == '0'
        && twoDigits(s, year + 2) >= 0
        && isMonthDay(s, month, day);
  }

  private static boolean isMonthDay(String s, int month, int day) {
    int m = twoDigits(s, month);
    int d = twoDigits(s, day);
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
  }

  /** The value of the two decimal digits at {@code i}, or -1. */
  private static int twoDigits(String s, int i) {
    char a = s.charAt(i);
    char b = s.charAt(i + 1);
    return a >= '0' && a <= '9' && b >= '0' && b <= '9' ? (a - '0') * 10 + (b - '0') : -1;
  }

  private static long orZero(Long n) {
    return n == null ? 0 : n;
  }

  @Override
  public String toString() {
    return "Pricer[" + table + "]";
  }
}
