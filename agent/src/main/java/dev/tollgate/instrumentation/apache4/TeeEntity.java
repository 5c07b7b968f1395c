package dev.tollgate.instrumentation.apache4;

import dev.tollgate.instrumentation.TeeInputStream;
import dev.tollgate.pipeline.LlmCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.http.HttpEntity;
import org.apache.http.entity.HttpEntityWrapper;

/**
 * The response entity the application reads: its content through a {@link TeeInputStream};
 * {@code writeTo} reads the same stream, so every way of consuming the body is observed.
 * A helper class.
 */
final class TeeEntity extends HttpEntityWrapper {
  private final LlmCall call;
  private InputStream content;

  TeeEntity(HttpEntity delegate, LlmCall call) {
    super(delegate);
    this.call = call;
  }

  @Override
  public InputStream getContent() throws IOException {
    if (content == null || isRepeatable()) {
      InputStream in = super.getContent();
      content = in == null ? null : new TeeInputStream(in, call);
    }
    return content;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    try (InputStream in = getContent()) {
      if (in != null) {
        in.transferTo(out);
      }
    }
  }

  @Override
  @SuppressWarnings("deprecation")
  public void consumeContent() throws IOException {
    try {
      super.consumeContent();
    } finally {
      call.onClosedEarly();
    }
  }
}
