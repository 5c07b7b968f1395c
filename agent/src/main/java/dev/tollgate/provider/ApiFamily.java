package dev.tollgate.provider;

/**
 * Which operations a provider's API offers, recognised by the end of the path so that any
 * vendor prefix works ({@code /openai/v1/chat/completions} on Groq,
 * {@code /openai/deployments/d/chat/completions} on Azure). Other paths of a known host
 * ({@code /v1/models}, {@code /health}) are not LLM calls.
 */
public enum ApiFamily {
  OPENAI,
  ANTHROPIC,
  GEMINI;

  /** The wire format of an operation path of this family, or null when it is not one. */
  public WireFormat formatOf(String path) {
    switch (this) {
      case ANTHROPIC:
        return path.endsWith("/messages") ? WireFormat.ANTHROPIC_MESSAGES : openAiFormatOf(path);
      case GEMINI:
        WireFormat g = geminiFormatOf(path);
        return g != null ? g : openAiFormatOf(path);
      default:
        return openAiFormatOf(path);
    }
  }

  static WireFormat openAiFormatOf(String path) {
    if (path.endsWith("/chat/completions")) {
      return WireFormat.OPENAI_CHAT;
    }
    if (path.endsWith("/completions")) {
      return WireFormat.OPENAI_COMPLETIONS;
    }
    if (path.endsWith("/responses")) {
      return WireFormat.OPENAI_RESPONSES;
    }
    if (path.endsWith("/embeddings")) {
      return WireFormat.OPENAI_EMBEDDINGS;
    }
    return null;
  }

  static WireFormat geminiFormatOf(String path) {
    return path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent")
        ? WireFormat.GEMINI_GENERATE_CONTENT
        : null;
  }
}
