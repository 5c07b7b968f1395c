package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI embeddings ({@code /embeddings}, operation {@code embeddings}), also spoken by most
 * OpenAI-compatible servers.
 *
 * <p>Why a different response strategy from the other codecs: an embeddings body is mostly
 * numbers (1536 floats per input, often hundreds of inputs: tens of MiB), and the two things we
 * want, {@code model} and {@code usage}, come after them. Instead of buffering the body, the
 * bytes go through Jackson's non-blocking parser as they arrive; a small state machine counts
 * the elements of the first vector and otherwise only looks at tokens, never materialising a
 * number or string it doesn't need. Memory stays constant whatever the body size.
 *
 * <p>{@code gen_ai.embeddings.dimension.count}: the request's {@code dimensions} when given,
 * replaced by the length of the first returned vector (float array: its element count; base64
 * string: decoded bytes / 4).
 */
public final class OpenAiEmbeddingsCodec implements ProviderCodec {
  static final String CODEC = "openai.embeddings";

  public OpenAiEmbeddingsCodec() {}

  @Override
  public void readRequest(String path, byte[] body, CallRecord record) {
    if (record == null) {
      return;
    }
    try {
      if (record.operation == null) {
        record.operation = "embeddings";
      }
      try (JsonParser p = RequestParams.openBody(body, record, CODEC)) {
        if (p == null) {
          return;
        }
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "model":
              RequestParams.model(p, record);
              break;
            case "encoding_format": {
              String v = Json.stringValue(p);
              if (v != null) {
                List<String> one = new ArrayList<>(1);
                one.add(v);
                record.encodingFormats = one;
              }
              break;
            }
            case "dimensions": {
              Long v = Json.longValue(p);
              if (v != null && v > 0) {
                record.embeddingDimensions = v;
              }
              break;
            }
            case "user":
              RequestParams.user(p, record);
              break;
            default:
              p.skipChildren(); // "input" included: never needed
          }
        }
      }
    } catch (Throwable t) {
      Json.warn(record, CODEC, "unparsable request body", t);
    }
  }

  @Override
  public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
    return new Observer(record);
  }

  /** Walks the token stream as bytes arrive; see the class comment. */
  static final class Observer implements ResponseObserver {
    private final CallRecord record;
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    /** Our own copy of the current chunk: the parser must not hold the caller's array. */
    private byte[] scratch = new byte[0];
    private boolean ignored;
    private boolean ended;
    private boolean done;
    private boolean sawBytes;

    private int depth;
    private String topField;
    private String innerField;
    private boolean inData;
    private int dataIndex = -1;
    private boolean inUsage;
    private boolean counting;
    private long count;
    private boolean dimensionsSeen;

    Observer(CallRecord record) {
      this.record = record;
      this.ignored = JsonBodyObserver.isErrorStatus(record.statusCode);
    }

    @Override
    public void onBytes(byte[] bytes, int offset, int length) {
      if (ended || ignored || done || bytes == null || length <= 0) {
        return;
      }
      try {
        if (parser == null) {
          if (!sawBytes && bytes[offset] == (byte) 0x1f) {
            ignored = true;
            record.warn(CODEC + ": compressed response body not parsed");
            return;
          }
          parser = Json.FACTORY.createNonBlockingByteArrayParser();
          feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        }
        sawBytes = true;
        if (scratch.length < length) {
          scratch = new byte[Math.max(length, Math.min(64 * 1024, scratch.length * 2 + 1024))];
        }
        System.arraycopy(bytes, offset, scratch, 0, length);
        feeder.feedInput(scratch, 0, length);
        drain();
      } catch (Throwable t) {
        fail(t);
      }
    }

    /** The top-level JSON value ended: the body is whole even if the client closed it before EOF. */
    @Override
    public boolean sawEnd() {
      return done;
    }

    @Override
    public void onEnd(boolean complete) {
      if (ended) {
        return;
      }
      ended = true;
      if (ignored || JsonBodyObserver.isErrorStatus(record.statusCode)) {
        close();
        return;
      }
      try {
        if (!sawBytes) {
          record.warn(CODEC + ": empty response body");
          return;
        }
        if (!done && parser != null) {
          feeder.endOfInput();
          drain();
        }
        if (!done) {
          record.warn(CODEC + (complete ? ": malformed JSON response (unterminated)" : ": response body truncated"));
        }
      } catch (Throwable t) {
        if (complete) {
          fail(t);
        } else {
          record.warn(CODEC + ": response body truncated");
        }
      } finally {
        close();
      }
    }

    private void fail(Throwable t) {
      ignored = true;
      Json.warn(record, CODEC, "malformed JSON response", t);
      close();
    }

    private void close() {
      if (parser != null) {
        try {
          parser.close();
        } catch (Exception ignoredToo) {
          // nothing to release but buffers
        }
        parser = null;
      }
      scratch = new byte[0];
    }

    private void drain() throws Exception {
      JsonToken t;
      while (!done && (t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
        token(t);
      }
    }

    private void token(JsonToken t) throws Exception {
      switch (t) {
        case START_OBJECT:
        case START_ARRAY:
          depth++;
          if (depth == 1 && t != JsonToken.START_OBJECT) {
            done = true; // not an embeddings response; nothing to read
          } else if (depth == 2) {
            inData = t == JsonToken.START_ARRAY && "data".equals(topField);
            inUsage = t == JsonToken.START_OBJECT && "usage".equals(topField);
          } else if (depth == 3 && inData && t == JsonToken.START_OBJECT) {
            dataIndex++;
            innerField = null;
          } else if (depth == 4 && inData && dataIndex == 0 && "embedding".equals(innerField)
              && t == JsonToken.START_ARRAY) {
            counting = true;
            count = 0;
          }
          return;
        case END_OBJECT:
        case END_ARRAY:
          if (counting && depth == 4) {
            counting = false;
            setDimensions(count);
          }
          depth--;
          if (depth == 1) {
            inData = false;
            inUsage = false;
          } else if (depth == 0) {
            done = true;
          }
          return;
        case FIELD_NAME:
          if (depth == 1) {
            topField = parser.currentName();
          } else if ((depth == 2 && inUsage) || (depth == 3 && inData && dataIndex == 0)) {
            innerField = parser.currentName();
          }
          return;
        default:
          scalar(t);
      }
    }

    private void scalar(JsonToken t) throws Exception {
      if (counting) {
        if (depth == 4 && (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT)) {
          count++;
        }
        return;
      }
      if (depth == 1 && t == JsonToken.VALUE_STRING && "model".equals(topField)) {
        record.responseModel = parser.getText();
      } else if (depth == 2 && inUsage && "prompt_tokens".equals(innerField)) {
        Long v = Json.longValue(parser);
        if (v != null) {
          record.inputTokens = v;
        }
      } else if (depth == 3 && inData && dataIndex == 0 && "embedding".equals(innerField)
          && t == JsonToken.VALUE_STRING) {
        setDimensions(base64Floats());
      }
    }

    /** Float32 count of the base64 string under the parser, without creating the String. */
    private long base64Floats() throws Exception {
      int len = parser.getTextLength();
      char[] chars = parser.getTextCharacters();
      int off = parser.getTextOffset();
      int pad = 0;
      for (int i = off + len - 1; i >= off && pad < 2 && chars[i] == '='; i--) {
        pad++;
      }
      // 4 chars carry 3 bytes; an unpadded tail of 2 or 3 chars carries 1 or 2
      long data = len - pad;
      long bytes = data / 4 * 3 + Math.max(0, data % 4 - 1);
      return bytes / 4;
    }

    private void setDimensions(long n) {
      if (!dimensionsSeen && n > 0) {
        dimensionsSeen = true;
        record.embeddingDimensions = n;
      }
    }
  }
}
