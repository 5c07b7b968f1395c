package dev.tollgate.bench.jmh;

import dev.tollgate.provider.Codecs;
import dev.tollgate.provider.ResponseObserver;
import dev.tollgate.provider.WireFormat;
import dev.tollgate.telemetry.CallRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real recorded OpenAI exchange the benchmarks feed through the agent's code (the fake provider's copies). */
final class Recordings {
  private Recordings() {}

  static final String CHAT_REQUEST = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
      + "\"content\":\"Answer in up to 3 words: Which ocean contains Bouvet Island?\"}]}";

  static byte[] chatResponse() {
    return read("chat-basic.json");
  }

  /** The streamed answer, one array per SSE event (as a client delivers it on a fast connection). */
  static List<byte[]> streamEvents() {
    List<byte[]> events = new ArrayList<>();
    for (String e : new String(read("chat-stream-include-usage.sse"), StandardCharsets.UTF_8).replace("\r\n", "\n").split("\n\n")) {
      if (!e.isBlank()) {
        events.add((e.strip() + "\n\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return events;
  }

  /** A record as the pipeline has it at the end of the recorded chat call. */
  static CallRecord completedChatRecord() {
    CallRecord r = new CallRecord();
    r.operation = "chat";
    r.provider = "openai";
    r.serverAddress = "api.openai.com";
    r.serverPort = 443;
    r.path = "/v1/chat/completions";
    r.startNanos = System.nanoTime();
    r.startEpochNanos = System.currentTimeMillis() * 1_000_000L;
    var codec = new Codecs().forFormat(WireFormat.OPENAI_CHAT);
    codec.readRequest(r.path, CHAT_REQUEST.getBytes(StandardCharsets.UTF_8), r);
    ResponseObserver o = codec.newResponseObserver(r, false);
    byte[] body = chatResponse();
    o.onBytes(body, 0, body.length);
    o.onEnd(true);
    r.statusCode = 200;
    r.endNanos = r.startNanos + 1_000_000;
    return r;
  }

  private static byte[] read(String name) {
    Path dir = Path.of(System.getProperty("bench.recordings", "sample-apps/fake-provider/src/main/resources/recordings"));
    try {
      return Files.readAllBytes(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("run from the repository root (scripts/bench.sh does)", e);
    }
  }
}
