package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.provider.GenAiMessages.Message;
import dev.tollgate.provider.GenAiMessages.Part;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat completions ({@code /chat/completions}, operation {@code chat}) and the legacy
 * completions ({@code /completions}, operation {@code text_completion}), which every
 * OpenAI-compatible server (vLLM, Ollama, Groq, OpenRouter, ...) also speaks.
 *
 * <p>Why one codec for both: the legacy format is the chat format with {@code prompt} instead of
 * {@code messages} and {@code choices[].text} instead of {@code message}/{@code delta}; the
 * response side (ids, usage, per-choice finish reasons, SSE chunks ending in {@code [DONE]}) is
 * identical.
 *
 * <p>Streams: each {@code data:} chunk is parsed when it completes. Finish reasons are kept per
 * choice {@code index} (with {@code n > 1} the choices' chunks interleave) and reported in index
 * order; usage comes from the last chunk when {@code stream_options.include_usage} is set.
 * Content deltas are accumulated (bounded) only when output capture is on.
 */
public final class OpenAiChatCodec implements ProviderCodec {
  static final String CODEC = "openai.chat";
  private static final OpenAiUsage USAGE = new OpenAiUsage(
      "prompt_tokens", "completion_tokens", "prompt_tokens_details", "completion_tokens_details");
  /** Choice indices at or above this are ignored (n is capped far lower by every provider). */
  static final int MAX_CHOICES = 128;

  public OpenAiChatCodec() {}

  /** True for the legacy {@code /completions} path (operation text_completion). */
  static boolean isLegacyCompletions(String path) {
    if (path == null) {
      return false;
    }
    int q = path.indexOf('?');
    String p = q >= 0 ? path.substring(0, q) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return (p.endsWith("/completions") && !p.endsWith("/chat/completions"))
        || p.equals("completions");
  }

  @Override
  public void readRequest(String path, byte[] body, CallRecord record) {
    if (record == null) {
      return;
    }
    try {
      boolean legacy = isLegacyCompletions(path);
      if (record.operation == null) {
        record.operation = legacy ? "text_completion" : "chat";
      }
      try (JsonParser p = RequestParams.openBody(body, record, CODEC)) {
        if (p == null) {
          return;
        }
        List<Message> input = null;
        Long maxCompletionTokens = null;
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "model":
              RequestParams.model(p, record);
              break;
            case "stream":
              RequestParams.stream(p, record);
              break;
            case "temperature":
              RequestParams.temperature(p, record);
              break;
            case "top_p":
              RequestParams.topP(p, record);
              break;
            case "max_tokens": { // deprecated: max_completion_tokens wins, in whichever order
              Long v = Json.longValue(p);
              if (v != null && maxCompletionTokens == null) {
                record.maxTokens = v;
              }
              break;
            }
            case "max_completion_tokens": {
              Long v = Json.longValue(p);
              if (v != null) {
                maxCompletionTokens = v;
                record.maxTokens = v;
              }
              break;
            }
            case "seed":
              RequestParams.seed(p, record);
              break;
            case "frequency_penalty":
              RequestParams.frequencyPenalty(p, record);
              break;
            case "presence_penalty":
              RequestParams.presencePenalty(p, record);
              break;
            case "stop":
              RequestParams.stopSequences(p, record);
              break;
            case "n":
              RequestParams.choiceCount(p, record);
              break;
            case "service_tier":
              RequestParams.serviceTier(p, record);
              break;
            case "user":
              RequestParams.user(p, record);
              break;
            case "messages":
              if (record.captureInput && !legacy) {
                input = readMessages(p);
              } else {
                p.skipChildren();
              }
              break;
            case "prompt":
              if (record.captureInput && legacy) {
                input = readPrompt(p);
              } else {
                p.skipChildren();
              }
              break;
            default:
              p.skipChildren();
          }
        }
        if (input != null) {
          record.inputMessages = GenAiMessages.writeMessages(input, false);
        }
      }
    } catch (Throwable t) {
      Json.warn(record, CODEC, "unparsable request body", t);
    }
  }

  @Override
  public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
    return new Observer(record, eventStream);
  }

  // ---------------------------------------------------------------- request content

  /** {@code messages: [{role, content, tool_calls, tool_call_id, name}]} to semconv messages. */
  static List<Message> readMessages(JsonParser p) throws Exception {
    if (!Json.enterArray(p)) {
      return null;
    }
    List<Message> out = new ArrayList<>();
    while (Json.nextElement(p)) {
      if (!Json.enterObject(p)) {
        continue;
      }
      Message m = new Message(null);
      String toolCallId = null;
      List<Part> content = new ArrayList<>(1);
      List<Part> toolCalls = null;
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "role":
            m.role = Json.stringValue(p);
            break;
          case "name":
            m.name = Json.stringValue(p);
            break;
          case "content":
            OpenAiContent.readContent(p, content);
            break;
          case "tool_call_id":
            toolCallId = Json.stringValue(p);
            break;
          case "tool_calls":
            toolCalls = OpenAiContent.readToolCalls(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if ("tool".equals(m.role) || "function".equals(m.role)) {
        // a tool result: its content is the response to the call it names
        m.parts.add(Part.toolCallResponse(toolCallId, GenAiMessages.joinText(content)));
      } else {
        m.parts.addAll(content);
      }
      if (toolCalls != null) {
        m.parts.addAll(toolCalls);
      }
      out.add(m);
    }
    return out;
  }

  /** Legacy {@code prompt}: a string or an array of strings (token arrays are not text). */
  static List<Message> readPrompt(JsonParser p) throws Exception {
    Message m = new Message("user");
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      m.parts.add(Part.text(p.getText()));
    } else if (Json.enterArray(p)) {
      while (Json.nextElement(p)) {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
          m.parts.add(Part.text(p.getText()));
        } else {
          p.skipChildren();
        }
      }
    }
    if (m.parts.isEmpty()) {
      return null;
    }
    List<Message> out = new ArrayList<>(1);
    out.add(m);
    return out;
  }

  // ---------------------------------------------------------------- response

  /** What one choice ({@code index}) reported so far. */
  private static final class Choice extends Choices.Choice {
    String role;
    StringBuilder text;
    List<ToolCall> toolCalls;
  }

  private static final class ToolCall {
    String id;
    String name;
    StringBuilder arguments;
  }

  static final class Observer extends JsonBodyObserver {
    private final Choices<Choice> choices = new Choices<>(2, Choice::new);
    private boolean idSeen;
    private boolean modelSeen;
    private boolean tierSeen;
    private boolean fingerprintSeen;
    private boolean badIndexWarned;

    Observer(CallRecord record, boolean eventStream) {
      super(record, CODEC, eventStream);
    }

    @Override
    void readBody(JsonParser p) throws Exception {
      readCompletion(p);
    }

    @Override
    void readEvent(String event, byte[] data, int length) throws Exception {
      if (isDoneTrimmed(data, length)) {
        streamFinished = true;
        return;
      }
      try (JsonParser p = Json.parser(data, 0, length)) {
        p.nextToken();
        readCompletion(p);
      }
    }

    /** One whole completion or one stream chunk: the same shape. */
    private void readCompletion(JsonParser p) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "id":
            if (!idSeen && p.currentToken() == JsonToken.VALUE_STRING) {
              record.responseId = p.getText();
              idSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "model":
            if (!modelSeen && p.currentToken() == JsonToken.VALUE_STRING) {
              record.responseModel = p.getText();
              modelSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "choices":
            readChoices(p);
            break;
          case "usage":
            USAGE.read(p, record);
            break;
          case "service_tier":
            if (!tierSeen && p.currentToken() == JsonToken.VALUE_STRING) {
              record.responseServiceTier = p.getText();
              tierSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "system_fingerprint":
            if (!fingerprintSeen && p.currentToken() == JsonToken.VALUE_STRING) {
              record.systemFingerprint = p.getText();
              fingerprintSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "error":
            // some servers report a failure inside a 200 stream; the content may hold details
            // we must not copy, so only say that it happened
            if (p.currentToken() == JsonToken.START_OBJECT) {
              warnProviderError("response body");
            }
            p.skipChildren();
            break;
          default:
            p.skipChildren();
        }
      }
    }

    private void readChoices(JsonParser p) throws Exception {
      if (!Json.enterArray(p)) {
        return;
      }
      int position = 0;
      while (Json.nextElement(p)) {
        readChoice(p, position++);
      }
    }

    private void readChoice(JsonParser p, int position) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      int index = position;
      String finish = null;
      String role = null;
      String text = null;
      List<ToolDelta> tools = null;
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "index": {
            Long v = Json.longValue(p);
            index = v == null ? position : (v < 0 || v >= MAX_CHOICES ? -1 : v.intValue());
            break;
          }
          case "finish_reason":
            finish = Json.stringValue(p);
            break;
          case "message":
          case "delta":
            if (capture && Json.enterObject(p)) {
              String g;
              while ((g = Json.nextField(p)) != null) {
                switch (g) {
                  case "role":
                    role = Json.stringValue(p);
                    break;
                  case "content":
                  case "refusal": // the model's refusal text, in place of content
                    if (p.currentToken() == JsonToken.VALUE_STRING) {
                      text = text == null ? p.getText() : text + p.getText();
                    } else {
                      p.skipChildren();
                    }
                    break;
                  case "tool_calls":
                    tools = readToolDeltas(p);
                    break;
                  default:
                    p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
            break;
          case "text": // legacy completions
            if (capture && p.currentToken() == JsonToken.VALUE_STRING) {
              text = p.getText();
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (index < 0) {
        if (!badIndexWarned) {
          badIndexWarned = true;
          record.warn(CODEC + ": choice index out of range ignored");
        }
        return;
      }
      if (finish == null && !capture) {
        return;
      }
      Choice c = choices.at(index);
      choices.finish(c, finish, record);
      if (capture) {
        if (role != null) {
          c.role = role;
        }
        c.text = budget.append(c.text, text);
        if (tools != null) {
          mergeToolDeltas(c, tools);
        }
      }
    }

    private static final class ToolDelta {
      int index;
      String id;
      String name;
      String arguments;
    }

    /** Whole tool calls (plain body) or their stream fragments ({@code index} set). */
    private List<ToolDelta> readToolDeltas(JsonParser p) throws Exception {
      if (!Json.enterArray(p)) {
        return null;
      }
      List<ToolDelta> out = new ArrayList<>(1);
      int position = 0;
      while (Json.nextElement(p)) {
        if (!Json.enterObject(p)) {
          position++;
          continue;
        }
        ToolDelta d = new ToolDelta();
        d.index = position++;
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "index": {
              Long v = Json.longValue(p);
              if (v != null && v >= 0 && v < MAX_CHOICES) {
                d.index = v.intValue();
              }
              break;
            }
            case "id":
              d.id = Json.stringValue(p);
              break;
            case "function":
              if (Json.enterObject(p)) {
                String g;
                while ((g = Json.nextField(p)) != null) {
                  if (g.equals("name")) {
                    d.name = Json.stringValue(p);
                  } else if (g.equals("arguments")) {
                    d.arguments = Json.stringValue(p);
                  } else {
                    p.skipChildren();
                  }
                }
              }
              break;
            default:
              p.skipChildren();
          }
        }
        out.add(d);
      }
      return out;
    }

    private void mergeToolDeltas(Choice c, List<ToolDelta> deltas) {
      if (c.toolCalls == null) {
        c.toolCalls = new ArrayList<>(2);
      }
      for (ToolDelta d : deltas) {
        ToolCall call = Choices.slot(c.toolCalls, d.index, ToolCall::new);
        if (d.id != null) {
          call.id = d.id;
        }
        if (d.name != null) {
          call.name = d.name;
        }
        call.arguments = budget.append(call.arguments, d.arguments);
      }
    }

    @Override
    void finish(boolean complete) throws Exception {
      if (!capture || choices.isEmpty()) {
        return;
      }
      List<Message> out = new ArrayList<>(choices.all().size());
      for (Choice c : choices.all()) {
        if (c == null) {
          continue;
        }
        Message m = new Message(c.role != null ? c.role : "assistant");
        if (c.text != null && c.text.length() > 0) {
          m.parts.add(Part.text(c.text.toString()));
        }
        if (c.toolCalls != null) {
          for (ToolCall call : c.toolCalls) {
            if (call != null) {
              m.parts.add(Part.toolCall(call.id, call.name,
                  call.arguments == null ? null : call.arguments.toString()));
            }
          }
        }
        m.finishReason = GenAiMessages.finishReason(c.finishReason, complete);
        out.add(m);
      }
      warnIfCaptureTruncated();
      record.outputMessages = GenAiMessages.writeMessages(out, true);
    }
  }

  /** {@code [DONE]}, tolerating surrounding whitespace. */
  static boolean isDoneTrimmed(byte[] data, int length) {
    int start = 0;
    int end = length;
    while (start < end && isSpace(data[start])) {
      start++;
    }
    while (end > start && isSpace(data[end - 1])) {
      end--;
    }
    return end - start == 6 && data[start] == '[' && data[start + 1] == 'D'
        && data[start + 2] == 'O' && data[start + 3] == 'N' && data[start + 4] == 'E'
        && data[start + 5] == ']';
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
