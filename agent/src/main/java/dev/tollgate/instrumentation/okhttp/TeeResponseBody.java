package dev.tollgate.instrumentation.okhttp;

import dev.tollgate.pipeline.LlmCall;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import okio.Okio;

/** The application's response body, read through a {@link TeeSource}. A helper class. */
final class TeeResponseBody extends ResponseBody {
  private final ResponseBody delegate;
  private final LlmCall call;
  private BufferedSource source;

  TeeResponseBody(ResponseBody delegate, LlmCall call) {
    this.delegate = delegate;
    this.call = call;
  }

  @Override
  public MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    if (source == null) {
      source = Okio.buffer(new TeeSource(delegate.source(), call));
    }
    return source;
  }
}
