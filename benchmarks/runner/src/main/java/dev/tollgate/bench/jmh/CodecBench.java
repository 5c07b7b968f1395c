package dev.tollgate.bench.jmh;

import dev.tollgate.provider.Codecs;
import dev.tollgate.provider.ProviderCodec;
import dev.tollgate.provider.ResponseObserver;
import dev.tollgate.provider.WireFormat;
import dev.tollgate.telemetry.CallRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Reading a call: the request body, a typical JSON answer, and a streamed answer event by event (OpenAI chat). */
@State(Scope.Benchmark)
public class CodecBench {
  private final ProviderCodec codec = new Codecs().forFormat(WireFormat.OPENAI_CHAT);
  private final byte[] request = Recordings.CHAT_REQUEST.getBytes(StandardCharsets.UTF_8);
  private final byte[] response = Recordings.chatResponse();
  private final List<byte[]> events = Recordings.streamEvents();

  @Benchmark
  public CallRecord chatRequest() {
    CallRecord r = new CallRecord();
    codec.readRequest("/v1/chat/completions", request, r);
    return r;
  }

  @Benchmark
  public CallRecord chatResponse() {
    CallRecord r = new CallRecord();
    ResponseObserver o = codec.newResponseObserver(r, false);
    o.onBytes(response, 0, response.length);
    o.onEnd(true);
    return r;
  }

  @Benchmark
  public CallRecord chatSseStream() {
    CallRecord r = new CallRecord();
    ResponseObserver o = codec.newResponseObserver(r, true);
    for (byte[] e : events) {
      o.onBytes(e, 0, e.length);
    }
    o.onEnd(true);
    return r;
  }
}
