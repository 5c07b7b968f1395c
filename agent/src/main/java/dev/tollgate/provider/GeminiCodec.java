package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.provider.GenAiMessages.Message;
import dev.tollgate.provider.GenAiMessages.Part;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini API and Vertex AI {@code generateContent} / {@code streamGenerateContent} (operation
 * {@code generate_content}).
 *
 * <p>Why the odd corners: the model and the streaming choice live in the path, not the body; the
 * REST surface accepts both {@code camelCase} and {@code snake_case} field names; SDKs asking
 * for {@code enum-encoding=int} get {@code finishReason: 1} instead of {@code "STOP"} (mapped
 * back to the names); a stream is either SSE ({@code alt=sse}, CRLF separated) or, without it, a
 * JSON array of the same response objects, handled as a plain body.
 *
 * <p>Usage: {@code gen_ai.usage.output_tokens} = {@code candidatesTokenCount} +
 * {@code thoughtsTokenCount} (Gemini counts thinking separately, semconv counts reasoning inside
 * output; {@code totalTokenCount} confirms the sum); input = {@code promptTokenCount} (cached
 * content included) + {@code toolUsePromptTokenCount}; cache read =
 * {@code cachedContentTokenCount}. Each stream chunk may repeat usage; the last value wins.
 */
public final class GeminiCodec implements ProviderCodec {
  static final String CODEC = "gemini";
  private static final int MAX_CANDIDATES = 64;

  /** google.ai.generativelanguage / Vertex FinishReason enum numbers, for int enum encoding. */
  private static final String[] FINISH_REASONS = {
      "FINISH_REASON_UNSPECIFIED", "STOP", "MAX_TOKENS", "SAFETY", "RECITATION", "OTHER",
      "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "MALFORMED_FUNCTION_CALL"};

  public GeminiCodec() {}

  @Override
  public void readRequest(String path, byte[] body, CallRecord record) {
    if (record == null) {
      return;
    }
    try {
      ModelOnlyCodec.GeminiPath.apply(path, record);
      try (JsonParser p = RequestParams.openBody(body, record, CODEC)) {
        if (p == null) {
          return;
        }
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "generationConfig":
            case "generation_config":
              readGenerationConfig(p, record);
              break;
            case "contents":
              if (record.captureInput) {
                List<Message> input = readContents(p);
                if (input != null) {
                  record.inputMessages = GenAiMessages.writeMessages(input, false);
                }
              } else {
                p.skipChildren();
              }
              break;
            case "systemInstruction":
            case "system_instruction":
              if (record.captureInput) {
                List<Part> parts = new ArrayList<>(1);
                if (p.currentToken() == JsonToken.VALUE_STRING) {
                  parts.add(Part.text(p.getText()));
                } else if (Json.enterObject(p)) {
                  String g;
                  while ((g = Json.nextField(p)) != null) {
                    if (g.equals("parts")) {
                      readParts(p, parts);
                    } else {
                      p.skipChildren();
                    }
                  }
                }
                if (!parts.isEmpty()) {
                  record.systemInstructions = GenAiMessages.writePartList(parts);
                }
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

  private static void readGenerationConfig(JsonParser p, CallRecord record) throws Exception {
    if (!Json.enterObject(p)) {
      return;
    }
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "temperature":
          RequestParams.temperature(p, record);
          break;
        case "topP":
        case "top_p":
          RequestParams.topP(p, record);
          break;
        case "topK":
        case "top_k":
          RequestParams.topK(p, record);
          break;
        case "maxOutputTokens":
        case "max_output_tokens":
          RequestParams.maxTokens(p, record);
          break;
        case "stopSequences":
        case "stop_sequences":
          RequestParams.stopSequences(p, record);
          break;
        case "candidateCount":
        case "candidate_count":
          RequestParams.choiceCount(p, record);
          break;
        case "seed":
          RequestParams.seed(p, record);
          break;
        case "presencePenalty":
        case "presence_penalty":
          RequestParams.presencePenalty(p, record);
          break;
        case "frequencyPenalty":
        case "frequency_penalty":
          RequestParams.frequencyPenalty(p, record);
          break;
        default:
          p.skipChildren();
      }
    }
  }

  /** {@code contents: [{role, parts}]}, Gemini roles mapped to semconv's. */
  private static List<Message> readContents(JsonParser p) throws Exception {
    return GenAiMessages.readRoleMessages(p, "parts", GeminiCodec::readParts, GeminiCodec::role);
  }

  /** Gemini says {@code model} where semconv says {@code assistant}. */
  static String role(String role) {
    if (role == null) {
      return null;
    }
    switch (role) {
      case "model":
        return "assistant";
      case "function":
        return "tool";
      default:
        return role;
    }
  }

  /** {@code parts: [{text, thought}, {inlineData}, {fileData}, {functionCall}, {functionResponse}]}. */
  static void readParts(JsonParser p, List<Part> into) throws Exception {
    if (!Json.enterArray(p)) {
      return;
    }
    while (Json.nextElement(p)) {
      if (!Json.enterObject(p)) {
        continue;
      }
      Part part = null;
      boolean thought = false;
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "text": {
            String t = Json.stringValue(p);
            if (t != null) {
              part = Part.text(t);
            }
            break;
          }
          case "thought":
            thought = Boolean.TRUE.equals(Json.booleanValue(p));
            break;
          case "inlineData":
          case "inline_data":
            part = readData(p, GenAiMessages.BLOB);
            break;
          case "fileData":
          case "file_data":
            part = readData(p, GenAiMessages.URI);
            break;
          case "functionCall":
          case "function_call":
            part = readFunction(p, true);
            break;
          case "functionResponse":
          case "function_response":
            part = readFunction(p, false);
            break;
          case "executableCode":
          case "executable_code":
            p.skipChildren();
            part = new Part("executable_code");
            break;
          case "codeExecutionResult":
          case "code_execution_result":
            p.skipChildren();
            part = new Part("code_execution_result");
            break;
          default:
            p.skipChildren(); // thoughtSignature, videoMetadata, ...
        }
      }
      if (part != null) {
        if (thought && GenAiMessages.TEXT.equals(part.type)) {
          part = Part.reasoning(part.content);
        }
        into.add(part);
      }
    }
  }

  private static Part readData(JsonParser p, String type) throws Exception {
    if (!Json.enterObject(p)) {
      return null;
    }
    Part part = new Part(type);
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "mimeType":
        case "mime_type":
          part.mimeType = Json.stringValue(p);
          break;
        case "data":
          part.content = Json.stringValue(p);
          break;
        case "fileUri":
        case "file_uri":
          part.uri = Json.stringValue(p);
          break;
        default:
          p.skipChildren();
      }
    }
    String mime = part.mimeType;
    if (mime != null) {
      int slash = mime.indexOf('/');
      String kind = slash > 0 ? mime.substring(0, slash) : mime;
      if (kind.equals("image") || kind.equals("audio") || kind.equals("video")) {
        part.modality = kind;
      }
    }
    if (part.modality == null) {
      part.modality = "file";
    }
    return part;
  }

  private static Part readFunction(JsonParser p, boolean call) throws Exception {
    if (!Json.enterObject(p)) {
      return null;
    }
    String id = null;
    String name = null;
    String payload = null;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "id":
          id = Json.stringValue(p);
          break;
        case "name":
          name = Json.stringValue(p);
          break;
        case "args":
        case "response":
          payload = Json.rawValue(p);
          break;
        default:
          p.skipChildren();
      }
    }
    if (call) {
      return Part.toolCall(id, name, payload);
    }
    Part r = Part.toolCallResponse(id, payload);
    r.name = name;
    return r;
  }

  @Override
  public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
    return new Observer(record, eventStream);
  }

  /** One candidate's state across stream chunks. */
  private static final class Candidate extends Choices.Choice {
    StringBuilder text;
    StringBuilder thoughts;
    List<Part> other;
  }

  static final class Observer extends JsonBodyObserver {
    private final Choices<Candidate> candidates = new Choices<>(1, Candidate::new);
    private Long prompt;
    private Long toolUsePrompt;
    private Long output;
    private Long thoughts;
    private Long cached;

    Observer(CallRecord record, boolean eventStream) {
      super(record, CODEC, eventStream);
    }

    @Override
    void readBody(JsonParser p) throws Exception {
      if (p.currentToken() == JsonToken.START_ARRAY) { // streamGenerateContent without alt=sse
        while (Json.nextElement(p)) {
          readResponse(p);
        }
      } else {
        readResponse(p);
      }
    }

    @Override
    void readEvent(String event, byte[] data, int length) throws Exception {
      try (JsonParser p = Json.parser(data, 0, length)) {
        p.nextToken();
        readResponse(p);
      }
    }

    private void readResponse(JsonParser p) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "responseId":
          case "response_id":
            if (record.responseId == null && p.currentToken() == JsonToken.VALUE_STRING) {
              record.responseId = p.getText();
            } else {
              p.skipChildren();
            }
            break;
          case "modelVersion":
          case "model_version":
            if (record.responseModel == null && p.currentToken() == JsonToken.VALUE_STRING) {
              record.responseModel = p.getText();
            } else {
              p.skipChildren();
            }
            break;
          case "candidates":
            readCandidates(p);
            break;
          case "usageMetadata":
          case "usage_metadata":
            readUsage(p);
            break;
          default:
            p.skipChildren(); // promptFeedback, createTime, ...
        }
      }
    }

    private void readCandidates(JsonParser p) throws Exception {
      if (!Json.enterArray(p)) {
        return;
      }
      int position = 0;
      while (Json.nextElement(p)) {
        int defaultIndex = position++;
        if (!Json.enterObject(p)) {
          continue;
        }
        int index = defaultIndex;
        String finish = null;
        List<Part> parts = null;
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "index": {
              Long v = Json.longValue(p);
              index = v == null ? defaultIndex : (v >= 0 && v < MAX_CANDIDATES ? v.intValue() : -1);
              break;
            }
            case "finishReason":
            case "finish_reason":
              finish = finishReason(p);
              break;
            case "content":
              if (capture && Json.enterObject(p)) {
                String g;
                while ((g = Json.nextField(p)) != null) {
                  if (g.equals("parts")) {
                    parts = new ArrayList<>(1);
                    readParts(p, parts);
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
              break;
            default:
              p.skipChildren();
          }
        }
        if (index < 0 || (finish == null && parts == null)) {
          continue;
        }
        Candidate c = candidates.at(index);
        if (finish != null) {
          streamFinished = true;
        }
        candidates.finish(c, finish, record);
        if (parts != null) {
          merge(c, parts);
        }
      }
    }

    private String finishReason(JsonParser p) throws Exception {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        long n = p.getLongValue();
        return n >= 0 && n < FINISH_REASONS.length ? FINISH_REASONS[(int) n] : p.getText();
      }
      return Json.stringValue(p);
    }

    /** Stream chunks split text anywhere: consecutive text (and thought) parts are joined. */
    private void merge(Candidate c, List<Part> parts) {
      for (Part part : parts) {
        if (GenAiMessages.TEXT.equals(part.type)) {
          c.text = budget.append(c.text, part.content);
        } else if (GenAiMessages.REASONING.equals(part.type)) {
          c.thoughts = budget.append(c.thoughts, part.content);
        } else {
          if (c.other == null) {
            c.other = new ArrayList<>(2);
          }
          c.other.add(part);
        }
      }
    }

    private void readUsage(JsonParser p) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "promptTokenCount":
          case "prompt_token_count":
            prompt = Json.longOr(p, prompt);
            break;
          case "toolUsePromptTokenCount":
          case "tool_use_prompt_token_count":
            toolUsePrompt = Json.longOr(p, toolUsePrompt);
            break;
          case "candidatesTokenCount":
          case "candidates_token_count":
            output = Json.longOr(p, output);
            break;
          case "thoughtsTokenCount":
          case "thoughts_token_count":
            thoughts = Json.longOr(p, thoughts);
            break;
          case "cachedContentTokenCount":
          case "cached_content_token_count":
            cached = Json.longOr(p, cached);
            break;
          default:
            p.skipChildren(); // totalTokenCount, trafficType, *TokensDetails
        }
      }
      if (prompt != null) {
        record.inputTokens = prompt + (toolUsePrompt != null ? toolUsePrompt : 0);
      }
      if (output != null || thoughts != null) {
        record.outputTokens = (output != null ? output : 0) + (thoughts != null ? thoughts : 0);
      }
      if (thoughts != null) {
        record.reasoningTokens = thoughts;
      }
      if (cached != null) {
        record.cacheReadTokens = cached;
      }
    }

    @Override
    void finish(boolean complete) throws Exception {
      if (!capture || candidates.isEmpty()) {
        return;
      }
      List<Message> out = new ArrayList<>(candidates.all().size());
      for (Candidate c : candidates.all()) {
        if (c == null) {
          continue;
        }
        Message m = new Message("assistant");
        if (c.thoughts != null && c.thoughts.length() > 0) {
          m.parts.add(Part.reasoning(c.thoughts.toString()));
        }
        if (c.text != null && c.text.length() > 0) {
          m.parts.add(Part.text(c.text.toString()));
        }
        if (c.other != null) {
          m.parts.addAll(c.other);
        }
        m.finishReason = GenAiMessages.finishReason(c.finishReason, complete);
        out.add(m);
      }
      warnIfCaptureTruncated();
      record.outputMessages = GenAiMessages.writeMessages(out, true);
    }
  }
}
