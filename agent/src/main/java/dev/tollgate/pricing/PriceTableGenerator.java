package dev.tollgate.pricing;

import static dev.tollgate.pricing.PriceTable.CACHE_CREATION;
import static dev.tollgate.pricing.PriceTable.CACHE_CREATION_1H;
import static dev.tollgate.pricing.PriceTable.CACHE_READ;
import static dev.tollgate.pricing.PriceTable.FALLBACK_GENERALIZATIONS;
import static dev.tollgate.pricing.PriceTable.INPUT;
import static dev.tollgate.pricing.PriceTable.MODE;
import static dev.tollgate.pricing.PriceTable.OUTPUT;
import static dev.tollgate.pricing.PriceTable.PROVIDER;
import static dev.tollgate.pricing.PriceTable.REASONING;
import static dev.tollgate.pricing.PriceTable.SAMPLE_SPEC;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the bundled price table ({@code model_prices.json} next to this class) from LiteLLM's
 * full {@code model_prices_and_context_window.json}. Run it through {@code
 * scripts/regenerate-prices.sh}; usage: {@code PriceTableGenerator <source.json> <output.json>}.
 *
 * <p>Why a filtered copy in LiteLLM's own format: one parser ({@link PriceTable#parse}) reads
 * both the bundled table and a user's {@code tollgate.pricing.file}, and the agent jar carries
 * a fraction of the upstream file. Kept: entries whose {@code mode} is chat, completion,
 * responses or embedding, and entries without a mode, provided {@link PriceTable} can use them
 * (an input and an output price per token; an input price for an embedding), so that the file
 * holds exactly the models the agent prices. Of each entry only the eight fields {@link
 * PriceTable} reads are copied, numbers exactly as written in the source. Keys are sorted and
 * each entry is on its own line, so that a regeneration shows up in a diff as the models whose
 * prices changed.
 */
public final class PriceTableGenerator {
  static final Set<String> MODES = Set.of("chat", "completion", "responses", "embedding");
  /** The copied fields, in the order they are written. */
  static final List<String> FIELDS =
      List.of(PROVIDER, MODE, INPUT, OUTPUT, CACHE_READ, CACHE_CREATION, REASONING, CACHE_CREATION_1H);

  private PriceTableGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: PriceTableGenerator <model_prices_and_context_window.json> "
          + "<output.json>");
      System.exit(2);
    }
    Path source = Path.of(args[0]);
    Path output = Path.of(args[1]);
    StringWriter text = new StringWriter(1 << 20);
    int written;
    try (InputStream in = Files.newInputStream(source)) {
      written = generate(in, text);
    }
    Path dir = output.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(output, text.toString(), StandardCharsets.UTF_8);
    System.out.println("wrote " + written + " models from " + source + " to " + output);
  }

  /**
   * Reads a LiteLLM price file from {@code in} and writes the filtered table to {@code out}.
   *
   * @return the number of entries written
   * @throws IOException when the source is not a JSON object or has no entry to keep (so that
   *     a wrong source never silently empties the bundled table)
   */
  static int generate(InputStream in, Writer out) throws IOException {
    Map<String, Map<String, Scalar>> entries = read(in);
    if (entries.isEmpty()) {
      throw new IOException("the source has no chat, completion, responses or embedding model"
          + " with prices per token; is it LiteLLM's model_prices_and_context_window.json?");
    }
    try (JsonGenerator g = PriceTable.JSON.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.setPrettyPrinter(new OneEntryPerLine());
      g.writeStartObject();
      for (Map.Entry<String, Map<String, Scalar>> entry : entries.entrySet()) {
        g.writeFieldName(entry.getKey());
        g.writeStartObject();
        for (Map.Entry<String, Scalar> field : entry.getValue().entrySet()) {
          g.writeFieldName(field.getKey());
          Scalar value = field.getValue();
          if (value.number) {
            g.writeNumber(value.text);
          } else {
            g.writeString(value.text);
          }
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    out.write('\n');
    out.flush();
    return entries.size();
  }

  /** The kept entries, sorted by key, each with its kept fields in {@link #FIELDS} order. */
  private static Map<String, Map<String, Scalar>> read(InputStream in) throws IOException {
    Map<String, Map<String, Scalar>> entries = new TreeMap<>();
    try (JsonParser p = PriceTable.JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "a price table must be a JSON object of model entries");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT
            || SAMPLE_SPEC.equals(key)
            || FALLBACK_GENERALIZATIONS.equals(key)) {
          p.skipChildren();
          continue;
        }
        Map<String, Scalar> fields = readFields(p);
        if (kept(fields)) {
          entries.put(key, fields);
        } else {
          entries.remove(key); // a later duplicate decides, as in PriceTable.parse
        }
      }
    }
    return entries;
  }

  private static Map<String, Scalar> readFields(JsonParser p) throws IOException {
    Map<String, Scalar> found = new TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      boolean price = !field.equals(PROVIDER) && !field.equals(MODE);
      if (FIELDS.contains(field)
          && (value == JsonToken.VALUE_STRING
              || (price && (value == JsonToken.VALUE_NUMBER_INT
                  || value == JsonToken.VALUE_NUMBER_FLOAT)))) {
        found.put(field, new Scalar(p.getText(), value != JsonToken.VALUE_STRING));
      } else {
        p.skipChildren();
      }
    }
    Map<String, Scalar> ordered = new LinkedHashMap<>();
    for (String field : FIELDS) {
      Scalar value = found.get(field);
      if (value != null) {
        ordered.put(field, value);
      }
    }
    return ordered;
  }

  private static boolean kept(Map<String, Scalar> fields) {
    Scalar mode = fields.get(MODE);
    return (mode == null || MODES.contains(mode.text))
        && PriceTable.usable(mode == null ? null : mode.text,
            fields.containsKey(INPUT), fields.containsKey(OUTPUT));
  }

  /** A copied value: its text as in the source, and whether it is a JSON number. */
  private record Scalar(String text, boolean number) {}

  /** {@code {\n  "key": {"field": value, ...},\n  ...\n}}: one entry per line. */
  private static final class OneEntryPerLine implements PrettyPrinter {
    private int depth;

    @Override
    public void writeRootValueSeparator(JsonGenerator g) {}

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
      depth++;
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
      if (depth == 1) {
        g.writeRaw("\n  ");
      }
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(depth == 1 ? ",\n  " : ", ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      depth--;
      g.writeRaw(depth == 0 && entries > 0 ? "\n}" : "}");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {}

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      g.writeRaw(']');
    }
  }
}
