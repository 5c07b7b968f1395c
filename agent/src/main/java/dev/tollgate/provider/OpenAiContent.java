package dev.tollgate.provider;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tollgate.provider.GenAiMessages.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * Request content shared by the OpenAI chat and Responses formats: a message's {@code content}
 * (a string or typed parts) and {@code tool_calls}, turned into semconv message parts.
 * Only used when input capture is on.
 */
final class OpenAiContent {
  private OpenAiContent() {}

  /** A message {@code content}: a string, or an array of typed parts. */
  static void readContent(JsonParser p, List<Part> into) throws Exception {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      into.add(Part.text(p.getText()));
      return;
    }
    if (!Json.enterArray(p)) {
      return;
    }
    while (Json.nextElement(p)) {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        into.add(Part.text(p.getText()));
        continue;
      }
      if (!Json.enterObject(p)) {
        continue;
      }
      String type = null;
      String text = null;
      String imageUrl = null;
      String fileId = null;
      String audioData = null;
      String audioFormat = null;
      String f;
      while ((f = Json.nextField(p)) != null) {
        switch (f) {
          case "type":
            type = Json.stringValue(p);
            break;
          case "text":
          case "refusal":
            text = Json.stringValue(p);
            break;
          case "image_url":
            if (p.currentToken() == JsonToken.START_OBJECT) {
              String g;
              while ((g = Json.nextField(p)) != null) {
                if (g.equals("url")) {
                  imageUrl = Json.stringValue(p);
                } else {
                  p.skipChildren();
                }
              }
            } else {
              imageUrl = Json.stringValue(p);
            }
            break;
          case "file_id": // Responses input_image / input_file by uploaded file
            fileId = Json.stringValue(p);
            break;
          case "input_audio":
            if (Json.enterObject(p)) {
              String g;
              while ((g = Json.nextField(p)) != null) {
                if (g.equals("data")) {
                  audioData = Json.stringValue(p);
                } else if (g.equals("format")) {
                  audioFormat = Json.stringValue(p);
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
      if (text != null) { // text, input_text, output_text, refusal
        into.add(Part.text(text));
      } else if (imageUrl != null) {
        into.add(Part.image(imageUrl));
      } else if (audioData != null) {
        Part a = new Part(GenAiMessages.BLOB);
        a.modality = "audio";
        a.mimeType = audioFormat != null ? "audio/" + audioFormat : null;
        a.content = audioData;
        into.add(a);
      } else if (fileId != null) {
        Part file = new Part(GenAiMessages.FILE_DATA);
        file.fileId = fileId;
        file.modality = type != null && type.contains("image") ? "image" : null;
        into.add(file);
      } else if (type != null) {
        into.add(new Part(type)); // a part we don't model (file, ...): its type only
      }
    }
  }

  /** {@code tool_calls: [{id, type, function: {name, arguments}}]} as tool_call parts. */
  static List<Part> readToolCalls(JsonParser p) throws Exception {
    if (!Json.enterArray(p)) {
      return null;
    }
    List<Part> out = new ArrayList<>(2);
    while (Json.nextElement(p)) {
      if (!Json.enterObject(p)) {
        continue;
      }
      Part call = Part.toolCall(null, null, null);
      String f;
      while ((f = Json.nextField(p)) != null) {
        if (f.equals("id")) {
          call.id = Json.stringValue(p);
        } else if (f.equals("function") && Json.enterObject(p)) {
          String g;
          while ((g = Json.nextField(p)) != null) {
            if (g.equals("name")) {
              call.name = Json.stringValue(p);
            } else if (g.equals("arguments")) {
              call.arguments = Json.stringValue(p);
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      out.add(call);
    }
    return out;
  }

}
