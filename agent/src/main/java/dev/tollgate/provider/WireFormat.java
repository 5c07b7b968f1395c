package dev.tollgate.provider;

/**
 * The API shapes Tollgate reads. One codec per wire format, not per vendor: Groq, Mistral,
 * vLLM... all speak {@link #OPENAI_CHAT}.
 */
public enum WireFormat {
  OPENAI_CHAT("chat"),
  OPENAI_COMPLETIONS("text_completion"),
  OPENAI_EMBEDDINGS("embeddings"),
  OPENAI_RESPONSES("chat"),
  ANTHROPIC_MESSAGES("chat"),
  GEMINI_GENERATE_CONTENT("generate_content");

  private final String operation;

  WireFormat(String operation) {
    this.operation = operation;
  }

  /** {@code gen_ai.operation.name}. */
  public String operation() {
    return operation;
  }
}
