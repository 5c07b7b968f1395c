package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.provider.GenAiMessages.Message;
import dev.tollgate.provider.GenAiMessages.Part;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI Responses API ({@code /responses}, operation {@code chat}).
 *
 * <p>Why it looks at so little of a stream: a Responses stream is dozens of named events
 * ({@code response.output_text.delta}, {@code response.content_part.added}, ...), but the
 * terminal event ({@code response.completed}, {@code response.incomplete} or
 * {@code response.failed}) carries the whole response object, usage included. So the event name
 * (or, for servers that omit {@code event:} lines, the {@code type} field) is checked first and
 * only the lifecycle events are parsed: {@code response.created} for the id and model early (so
 * a cut stream still has them), the terminal one for everything else. Text deltas are collected
 * only under output capture, as a fallback for a stream cut before its terminal event.
 *
 * <p>Finish reason (the API has none; we derive one from {@code status}): {@code completed} →
 * {@code "stop"}, or {@code "tool_calls"} when the output holds a function call (the client must
 * act, as with chat completions' {@code tool_calls}); {@code incomplete} →
 * {@code incomplete_details.reason} (e.g. {@code max_output_tokens}, else
 * {@code "incomplete"}); {@code failed} → {@code "error"}; {@code cancelled} →
 * {@code "cancelled"}; {@code queued} / {@code in_progress} (background mode) → none.
 */
public final class OpenAiResponsesCodec implements ProviderCodec {
  static final String CODEC = "openai.responses";
  private static final OpenAiUsage USAGE = new OpenAiUsage(
      "input_tokens", "output_tokens", "input_tokens_details", "output_tokens_details");

  public OpenAiResponsesCodec() {}

  @Override
  public void readRequest(String path, byte[] body, CallRecord record) {
    if (record == null) {
      return;
    }
    try {
      if (record.operation == null) {
        record.operation = "chat";
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
            case "stream":
              RequestParams.stream(p, record);
              break;
            case "temperature":
              RequestParams.temperature(p, record);
              break;
            case "top_p":
              RequestParams.topP(p, record);
              break;
            case "max_output_tokens":
              RequestParams.maxTokens(p, record);
              break;
            case "service_tier":
              RequestParams.serviceTier(p, record);
              break;
            case "user":
              RequestParams.user(p, record);
              break;
            case "input":
              if (record.captureInput) {
                List<Message> input = readInput(p);
                if (input != null && !input.isEmpty()) {
                  record.inputMessages = GenAiMessages.writeMessages(input, false);
                }
              } else {
                p.skipChildren();
              }
              break;
            case "instructions":
              if (record.captureInput && p.currentToken() == JsonToken.VALUE_STRING) {
                List<Part> one = new ArrayList<>(1);
                one.add(Part.text(p.getText()));
                record.systemInstructions = GenAiMessages.writePartList(one);
              } else {
                p.skipChildren();
              }
              break;
            default:
              p.skipChildren();
          }
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

  /** {@code input}: a string (one user message) or an array of input items. */
  static List<Message> readInput(JsonParser p) throws Exception {
    List<Message> out = new ArrayList<>();
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      Message m = new Message("user");
      m.parts.add(Part.text(p.getText()));
      out.add(m);
      return out;
    }
    if (!Json.enterArray(p)) {
      return null;
    }
    while (Json.nextElement(p)) {
      if (!Json.enterObject(p)) {
        continue;
      }
      String type = null;
      String role = null;
      String callId = null;
      String name = null;
      String arguments = null;
      String output = null;
      List<Part> content = new ArrayList<>(1);
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "type":
            type = Json.stringValue(p);
            break;
          case "role":
            role = Json.stringValue(p);
            break;
          case "content":
            OpenAiContent.readContent(p, content);
            break;
          case "call_id":
            callId = Json.stringValue(p);
            break;
          case "name":
            name = Json.stringValue(p);
            break;
          case "arguments":
            arguments = Json.stringValue(p);
            break;
          case "output":
            if (p.currentToken() == JsonToken.VALUE_STRING) {
              output = p.getText();
            } else {
              List<Part> parts = new ArrayList<>(1);
              OpenAiContent.readContent(p, parts);
              output = GenAiMessages.joinText(parts);
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (type == null || type.equals("message")) {
        Message m = new Message(role != null ? role : "user");
        m.parts.addAll(content);
        out.add(m);
      } else if (type.equals("function_call") || type.equals("custom_tool_call")) {
        Message m = new Message("assistant");
        m.parts.add(Part.toolCall(callId, name, arguments));
        out.add(m);
      } else if (type.equals("function_call_output") || type.equals("custom_tool_call_output")) {
        Message m = new Message("tool");
        m.parts.add(Part.toolCallResponse(callId, output));
        out.add(m);
      }
      // reasoning items, item references, built-in tool calls: not conversation content
    }
    return out;
  }

  static final class Observer extends JsonBodyObserver {
    private boolean idSeen;
    private boolean modelSeen;
    private boolean terminalSeen;
    /** Text deltas, kept only under capture, for a stream cut before its terminal event. */
    private StringBuilder deltas;

    Observer(CallRecord record, boolean eventStream) {
      super(record, CODEC, eventStream);
    }

    @Override
    void readBody(JsonParser p) throws Exception {
      readResponse(p, true);
    }

    @Override
    void readEvent(String event, byte[] data, int length) throws Exception {
      String type = eventType(event, data, length);
      if (type == null) {
        return;
      }
      switch (type) {
        case "response.completed":
        case "response.incomplete":
        case "response.failed":
          streamFinished = true;
          readResponseField(data, length, true);
          break;
        case "response.created":
        case "response.in_progress":
        case "response.queued":
          if (!idSeen || !modelSeen) {
            readResponseField(data, length, false);
          }
          break;
        case "response.output_text.delta":
          if (capture && !terminalSeen) {
            readDelta(data, length);
          }
          break;
        case "error":
          warnProviderError("stream");
          break;
        default:
          // the other ~40 event types carry nothing we record
      }
    }

    private void readResponseField(byte[] data, int length, boolean terminal) throws Exception {
      try (JsonParser p = Json.openObject(data, length)) {
        if (p == null) {
          return;
        }
        String f;
        while ((f = Json.nextField(p)) != null) {
          if (f.equals("response")) {
            readResponse(p, terminal);
          } else {
            p.skipChildren();
          }
        }
      }
    }

    private void readDelta(byte[] data, int length) throws Exception {
      try (JsonParser p = Json.openObject(data, length)) {
        if (p == null) {
          return;
        }
        String f;
        while ((f = Json.nextField(p)) != null) {
          if (f.equals("delta")) {
            deltas = budget.append(deltas, Json.textValue(p));
          } else {
            p.skipChildren();
          }
        }
      }
    }

    /** A response object: the plain body, or the {@code response} of a lifecycle event. */
    private void readResponse(JsonParser p, boolean terminal) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String status = null;
      String incompleteReason = null;
      Output output = new Output(capture && terminal);
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "id":
            if (p.currentToken() == JsonToken.VALUE_STRING && (terminal || !idSeen)) {
              record.responseId = p.getText();
              idSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "model":
            if (p.currentToken() == JsonToken.VALUE_STRING && (terminal || !modelSeen)) {
              record.responseModel = p.getText();
              modelSeen = true;
            } else {
              p.skipChildren();
            }
            break;
          case "status":
            status = Json.stringValue(p);
            break;
          case "incomplete_details":
            if (Json.enterObject(p)) {
              String g;
              while ((g = Json.nextField(p)) != null) {
                if (g.equals("reason")) {
                  incompleteReason = Json.stringValue(p);
                } else {
                  p.skipChildren();
                }
              }
            }
            break;
          case "service_tier":
            record.responseServiceTier = Json.stringOr(p, record.responseServiceTier);
            break;
          case "usage":
            USAGE.read(p, record);
            break;
          case "output":
            if (terminal) {
              output.read(p);
            } else {
              p.skipChildren();
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (!terminal) {
        return;
      }
      terminalSeen = true;
      String reason = finishReason(status, incompleteReason, output.hasToolCall);
      if (reason != null) {
        Choices.single(reason, record);
      }
      if (capture) {
        Message m = new Message("assistant");
        m.parts.addAll(output.parts);
        m.finishReason = GenAiMessages.finishReason(reason, true);
        record.outputMessages = GenAiMessages.writeOutputMessage(m);
      }
    }

    static String finishReason(String status, String incompleteReason, boolean hasToolCall) {
      if (status == null) {
        return null;
      }
      switch (status) {
        case "completed":
          return hasToolCall ? "tool_calls" : "stop";
        case "incomplete":
          return incompleteReason != null ? incompleteReason : "incomplete";
        case "failed":
          return "error";
        case "cancelled":
          return "cancelled";
        default:
          return null; // queued, in_progress: not finished
      }
    }

    /** The {@code output} items: whether one is a tool call, and (under capture) their parts. */
    private final class Output {
      final boolean collect;
      final List<Part> parts = new ArrayList<>(2);
      boolean hasToolCall;

      Output(boolean collect) {
        this.collect = collect;
      }

      void read(JsonParser p) throws Exception {
        if (!Json.enterArray(p)) {
          return;
        }
        while (Json.nextElement(p)) {
          if (Json.enterObject(p)) {
            item(p);
          }
        }
      }

      private void item(JsonParser p) throws Exception {
        String type = null;
        String callId = null;
        String name = null;
        String arguments = null;
        List<Part> content = collect ? new ArrayList<>(1) : null;
        StringBuilder summary = null;
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "type":
              type = Json.stringValue(p);
              break;
            case "content":
              if (collect) {
                OpenAiContent.readContent(p, content);
              } else {
                p.skipChildren();
              }
              break;
            case "summary": // reasoning item: [{type: summary_text, text}]
              if (collect) {
                List<Part> s = new ArrayList<>(1);
                OpenAiContent.readContent(p, s);
                for (Part part : s) {
                  if (part.content != null) {
                    summary = budget.append(summary, part.content);
                  }
                }
              } else {
                p.skipChildren();
              }
              break;
            case "call_id":
              callId = collect ? Json.stringValue(p) : null;
              break;
            case "name":
              name = collect ? Json.stringValue(p) : null;
              break;
            case "arguments":
            case "input": // custom_tool_call
              if (collect && p.currentToken() == JsonToken.VALUE_STRING) {
                arguments = p.getText();
              } else {
                p.skipChildren();
              }
              break;
            default:
              p.skipChildren();
          }
        }
        boolean toolCall = "function_call".equals(type) || "custom_tool_call".equals(type);
        hasToolCall |= toolCall;
        if (!collect || type == null) {
          return;
        }
        if (type.equals("message")) {
          parts.addAll(content);
        } else if (toolCall) {
          parts.add(Part.toolCall(callId, name, arguments));
        } else if (type.equals("reasoning")) {
          if (summary != null && summary.length() > 0) {
            parts.add(Part.reasoning(summary.toString()));
          }
        } else {
          parts.add(new Part(type)); // built-in tool calls (web_search_call, ...): type only
        }
      }
    }

    @Override
    void finish(boolean complete) throws Exception {
      if (capture && !terminalSeen && deltas != null && deltas.length() > 0) {
        Message m = new Message("assistant");
        m.parts.add(Part.text(deltas.toString()));
        m.finishReason = "error"; // the stream ended before the response did
        record.outputMessages = GenAiMessages.writeOutputMessage(m);
      }
      warnIfCaptureTruncated();
    }
  }
}
