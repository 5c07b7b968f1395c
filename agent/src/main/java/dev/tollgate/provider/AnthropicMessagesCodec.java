package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.provider.GenAiMessages.Message;
import dev.tollgate.provider.GenAiMessages.Part;
import dev.tollgate.telemetry.CallRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Anthropic Messages API ({@code /v1/messages}, operation {@code chat}).
 *
 * <p>Why usage is kept as components: Anthropic reports {@code input_tokens} without the cached
 * part, next to {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}, while
 * {@code gen_ai.usage.input_tokens} must count every input token. In a stream the numbers come
 * twice: {@code message_start} has the input side (and a provisional {@code output_tokens}),
 * {@code message_delta} the final, cumulative {@code output_tokens} (newer API versions repeat
 * the input side there too). Each component keeps its latest value and the record is recomputed
 * as {@code input + cache_read + cache_creation}. Newer responses split the cache writes by
 * lifetime ({@code usage.cache_creation.ephemeral_5m_input_tokens} / {@code
 * ephemeral_1h_input_tokens}); a 1-hour write costs more than a 5-minute one, so the split is
 * kept for the pricer (its sum stands in for {@code cache_creation_input_tokens} if that is absent).
 *
 * <p>Stream events are dispatched on their {@code event:} name ({@code type} field when absent);
 * {@code ping}, {@code content_block_stop} and {@code message_stop} are never parsed, and content
 * deltas only under output capture.
 */
public final class AnthropicMessagesCodec implements ProviderCodec {
  static final String CODEC = "anthropic";
  private static final int MAX_BLOCKS = 1024;

  public AnthropicMessagesCodec() {}

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
          if (ModelOnlyCodec.readAnthropicParameter(f, p, record)) {
            continue;
          }
          switch (f) {
            case "metadata":
              if (Json.enterObject(p)) {
                String g;
                while ((g = Json.nextField(p)) != null) {
                  if (g.equals("user_id")) {
                    RequestParams.user(p, record);
                  } else {
                    p.skipChildren();
                  }
                }
              }
              break;
            case "system":
              if (record.captureInput) {
                List<Part> parts = new ArrayList<>(1);
                readBlocks(p, parts);
                if (!parts.isEmpty()) {
                  record.systemInstructions = GenAiMessages.writePartList(parts);
                }
              } else {
                p.skipChildren();
              }
              break;
            case "messages":
              if (record.captureInput) {
                List<Message> input = readMessages(p);
                if (input != null) {
                  record.inputMessages = GenAiMessages.writeMessages(input, false);
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

  @Override
  public ResponseObserver newResponseObserver(CallRecord record, boolean eventStream) {
    return new Observer(record, eventStream);
  }

  /** {@code messages: [{role, content}]}; roles are semconv's already. */
  private static List<Message> readMessages(JsonParser p) throws Exception {
    return GenAiMessages.readRoleMessages(p, "content", AnthropicMessagesCodec::readBlocks, UnaryOperator.identity());
  }

  /** Content: a string, or content blocks (text, image, tool_use, tool_result, thinking, ...). */
  static void readBlocks(JsonParser p, List<Part> into) throws Exception {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      into.add(Part.text(p.getText()));
      return;
    }
    if (!Json.enterArray(p)) {
      return;
    }
    while (Json.nextElement(p)) {
      if (Json.enterObject(p)) {
        Part part = readBlock(p);
        if (part != null) {
          into.add(part);
        }
      }
    }
  }

  private static Part readBlock(JsonParser p) throws Exception {
    String type = null;
    String text = null;
    String id = null;
    String name = null;
    String input = null;
    String toolUseId = null;
    List<Part> result = null;
    Part source = null;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "type":
          type = Json.stringValue(p);
          break;
        case "text":
        case "thinking":
          text = Json.stringValue(p);
          break;
        case "id":
          id = Json.stringValue(p);
          break;
        case "name":
          name = Json.stringValue(p);
          break;
        case "input":
          input = Json.rawValue(p);
          break;
        case "tool_use_id":
          toolUseId = Json.stringValue(p);
          break;
        case "content": // tool_result
          result = new ArrayList<>(1);
          readBlocks(p, result);
          break;
        case "source":
          source = readSource(p);
          break;
        default:
          p.skipChildren();
      }
    }
    if (type == null) {
      return null;
    }
    switch (type) {
      case "text":
        return text != null ? Part.text(text) : null;
      case "thinking":
        return Part.reasoning(text);
      case "tool_use":
      case "server_tool_use":
        return Part.toolCall(id, name, input);
      case "tool_result":
        return Part.toolCallResponse(toolUseId, GenAiMessages.joinText(result));
      case "image":
        return source != null ? source : new Part("image");
      default:
        return new Part(type); // document, redacted_thinking, ...: the type only
    }
  }

  /** An image {@code source}: base64 data, a URL, or an uploaded file. */
  private static Part readSource(JsonParser p) throws Exception {
    if (!Json.enterObject(p)) {
      return null;
    }
    String type = null;
    String mediaType = null;
    String data = null;
    String url = null;
    String fileId = null;
    String f;
    while ((f = Json.nextField(p)) != null) {
      switch (f) {
        case "type":
          type = Json.stringValue(p);
          break;
        case "media_type":
          mediaType = Json.stringValue(p);
          break;
        case "data":
          data = Json.stringValue(p);
          break;
        case "url":
          url = Json.stringValue(p);
          break;
        case "file_id":
          fileId = Json.stringValue(p);
          break;
        default:
          p.skipChildren();
      }
    }
    Part part;
    if ("base64".equals(type) && data != null) {
      part = new Part(GenAiMessages.BLOB);
      part.mimeType = mediaType;
      part.content = data;
    } else if (url != null) {
      part = new Part(GenAiMessages.URI);
      part.uri = url;
    } else if (fileId != null) {
      part = new Part(GenAiMessages.FILE_DATA);
      part.fileId = fileId;
    } else {
      return null;
    }
    part.modality = "image";
    return part;
  }

  /** One content block of the answer, assembled from a plain body or stream deltas. */
  private static final class Block {
    String type;
    String id;
    String name;
    StringBuilder text;
    String startInput;
  }

  static final class Observer extends JsonBodyObserver {
    private final List<Block> blocks = new ArrayList<>(2);
    private Long input;
    private Long cacheRead;
    private Long cacheCreation;
    private Long cacheCreation5m;
    private Long cacheCreation1h;
    private Long output;
    private String stopReason;

    Observer(CallRecord record, boolean eventStream) {
      super(record, CODEC, eventStream);
    }

    @Override
    void readBody(JsonParser p) throws Exception {
      readMessage(p, true);
    }

    @Override
    void readEvent(String event, byte[] data, int length) throws Exception {
      String type = eventType(event, data, length);
      if (type == null) {
        return;
      }
      switch (type) {
        case "message_start":
        case "message_delta":
          break;
        case "content_block_start":
        case "content_block_delta":
          if (!capture) {
            return;
          }
          break;
        case "error":
          warnProviderError("stream");
          return;
        case "message_stop":
          streamFinished = true;
          return;
        default:
          return; // ping, content_block_stop
      }
      try (JsonParser p = Json.openObject(data, length)) {
        if (p == null) {
          return;
        }
        int index = -1;
        String f;
        while ((f = Json.nextField(p)) != null) {
          switch (f) {
            case "message": // message_start
              readMessage(p, false);
              break;
            case "delta":
              if (type.equals("message_delta")) {
                readMessageDelta(p);
              } else {
                readBlockDelta(p, index);
              }
              break;
            case "usage": // message_delta
              readUsage(p);
              break;
            case "index": {
              Long v = Json.longValue(p);
              index = v != null && v >= 0 && v < MAX_BLOCKS ? v.intValue() : -1;
              break;
            }
            case "content_block":
              readBlockStart(p, index);
              break;
            default:
              p.skipChildren();
          }
        }
      }
    }

    /** A whole message (plain body) or the one in message_start. */
    private void readMessage(JsonParser p, boolean plain) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "id":
            record.responseId = Json.stringOr(p, record.responseId);
            break;
          case "model":
            record.responseModel = Json.stringOr(p, record.responseModel);
            break;
          case "stop_reason":
            setStopReason(Json.stringValue(p));
            break;
          case "usage":
            readUsage(p);
            break;
          case "content":
            if (plain && capture && Json.enterArray(p)) {
              while (Json.nextElement(p)) {
                if (Json.enterObject(p)) {
                  readWholeBlock(p);
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
    }

    private void readWholeBlock(JsonParser p) throws Exception {
      Block b = new Block();
      readBlockFields(p, b);
      blocks.add(b);
    }

    /**
     * A content block's own fields: a whole one in a plain body, or the start of one
     * ({@code content_block_start}) that deltas extend.
     */
    private void readBlockFields(JsonParser p, Block b) throws Exception {
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "type":
            b.type = Json.stringValue(p);
            break;
          case "id":
            b.id = Json.stringValue(p);
            break;
          case "name":
            b.name = Json.stringValue(p);
            break;
          case "text":
          case "thinking":
            b.text = budget.append(b.text, Json.textValue(p));
            break;
          case "input":
            b.startInput = Json.rawValue(p);
            break;
          default:
            p.skipChildren();
        }
      }
    }

    private void readMessageDelta(JsonParser p) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("stop_reason")) {
          setStopReason(Json.stringValue(p));
        } else {
          p.skipChildren();
        }
      }
    }

    private void setStopReason(String reason) {
      if (reason != null && !reason.equals(stopReason)) {
        stopReason = reason;
        Choices.single(reason, record);
      }
    }

    /** The block at a stream event's {@code index}; null for a missing or out-of-range one. */
    private Block block(int index) {
      return index < 0 ? null : Choices.slot(blocks, index, Block::new);
    }

    private void readBlockStart(JsonParser p, int index) throws Exception {
      Block b = block(index);
      if (b == null || !Json.enterObject(p)) {
        p.skipChildren();
        return;
      }
      readBlockFields(p, b);
    }

    private void readBlockDelta(JsonParser p, int index) throws Exception {
      Block b = block(index);
      if (b == null || !Json.enterObject(p)) {
        p.skipChildren();
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "text":           // text_delta
          case "thinking":       // thinking_delta
          case "partial_json":   // input_json_delta
            b.text = budget.append(b.text, Json.textValue(p));
            break;
          default:
            p.skipChildren(); // type, signature
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
          case "input_tokens":
            input = Json.longOr(p, input);
            break;
          case "cache_read_input_tokens":
            cacheRead = Json.longOr(p, cacheRead);
            break;
          case "cache_creation_input_tokens":
            cacheCreation = Json.longOr(p, cacheCreation);
            break;
          case "cache_creation":
            readCacheCreation(p);
            break;
          case "output_tokens":
            output = Json.longOr(p, output);
            break;
          default:
            p.skipChildren();
        }
      }
      publishUsage();
    }

    /** {@code usage.cache_creation}: the cache writes by lifetime, priced apart. */
    private void readCacheCreation(JsonParser p) throws Exception {
      if (!Json.enterObject(p)) {
        return;
      }
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "ephemeral_5m_input_tokens":
            cacheCreation5m = Json.longOr(p, cacheCreation5m);
            break;
          case "ephemeral_1h_input_tokens":
            cacheCreation1h = Json.longOr(p, cacheCreation1h);
            break;
          default:
            p.skipChildren();
        }
      }
    }

    private void publishUsage() {
      Long written = cacheCreation;
      if (written == null && (cacheCreation5m != null || cacheCreation1h != null)) {
        written = (cacheCreation5m != null ? cacheCreation5m : 0) + (cacheCreation1h != null ? cacheCreation1h : 0);
      }
      if (input != null) {
        record.inputTokens = input + (cacheRead != null ? cacheRead : 0) + (written != null ? written : 0);
      }
      if (cacheRead != null) {
        record.cacheReadTokens = cacheRead;
      }
      if (written != null) {
        record.cacheCreationTokens = written;
      }
      if (cacheCreation5m != null) {
        record.cacheCreation5mTokens = cacheCreation5m;
      }
      if (cacheCreation1h != null) {
        record.cacheCreation1hTokens = cacheCreation1h;
      }
      if (output != null) {
        record.outputTokens = output;
      }
    }

    @Override
    void finish(boolean complete) throws Exception {
      if (!capture || blocks.isEmpty()) {
        return;
      }
      Message m = new Message("assistant");
      for (Block b : blocks) {
        if (b == null || b.type == null) {
          continue;
        }
        String text = b.text != null ? b.text.toString() : null;
        switch (b.type) {
          case "text":
            if (text != null && !text.isEmpty()) {
              m.parts.add(Part.text(text));
            }
            break;
          case "thinking":
            m.parts.add(Part.reasoning(text != null ? text : ""));
            break;
          case "tool_use":
          case "server_tool_use":
            m.parts.add(Part.toolCall(b.id, b.name, text != null && !text.isEmpty() ? text : b.startInput));
            break;
          default:
            m.parts.add(new Part(b.type));
        }
      }
      m.finishReason = GenAiMessages.finishReason(stopReason, complete);
      warnIfCaptureTruncated();
      record.outputMessages = GenAiMessages.writeOutputMessage(m);
    }
  }
}
