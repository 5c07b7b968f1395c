package dev.tollgate.provider;

import java.util.EnumMap;
import java.util.Map;

/** One codec per wire format, created once; codecs are stateless and shared by all calls. */
public final class Codecs {
  private final Map<WireFormat, ProviderCodec> byFormat = new EnumMap<>(WireFormat.class);

  public Codecs() {
    OpenAiChatCodec chat = new OpenAiChatCodec();
    byFormat.put(WireFormat.OPENAI_CHAT, chat);
    byFormat.put(WireFormat.OPENAI_COMPLETIONS, chat);
    byFormat.put(WireFormat.OPENAI_EMBEDDINGS, new OpenAiEmbeddingsCodec());
    byFormat.put(WireFormat.OPENAI_RESPONSES, new OpenAiResponsesCodec());
    byFormat.put(WireFormat.ANTHROPIC_MESSAGES, new AnthropicMessagesCodec());
    byFormat.put(WireFormat.GEMINI_GENERATE_CONTENT, new GeminiCodec());
  }

  public ProviderCodec forFormat(WireFormat format) {
    return byFormat.get(format);
  }
}
