package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  /** Collects "name|data" per dispatched event. */
  private static final class Events implements SseDecoder.Listener {
    final List<String> seen = new ArrayList<>();

    @Override
    public void onEvent(String event, byte[] data, int length) {
      seen.add(event + "|" + new String(data, 0, length, StandardCharsets.UTF_8));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Feeds in chunks of the given size; returns the decoder after finish(). */
  private static boolean feedInChunks(SseDecoder d, byte[] b, int size) {
    for (int i = 0; i < b.length; i += size) {
      int n = Math.min(size, b.length - i);
      byte[] chunk = new byte[n];
      System.arraycopy(b, i, chunk, 0, n);
      d.feed(chunk, 0, n);
    }
    return d.finish();
  }

  private static List<String> decode(String stream, int chunkSize) {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e);
    assertThat(feedInChunks(d, utf8(stream), chunkSize)).as("truncated").isFalse();
    return e.seen;
  }

  @Test
  void lfEvents() {
    assertThat(decode("data: {\"a\":1}\n\ndata: [DONE]\n\n", 1000))
        .containsExactly("null|{\"a\":1}", "null|[DONE]");
  }

  @Test
  void crlfAndCrLineEndsInEveryChunkSize() {
    String crlf = "event: a\r\ndata: one\r\n\r\nevent: b\r\ndata: two\r\n\r\n";
    String cr = "event: a\rdata: one\r\revent: b\rdata: two\r\r";
    String mixed = "event: a\r\ndata: one\n\revent: b\rdata: two\r\n\n";
    for (String s : List.of(crlf, cr, mixed)) {
      for (int size = 1; size <= s.length(); size++) {
        assertThat(decode(s, size)).as("chunk size %d of %s", size, s.replace("\r", "\\r").replace("\n", "\\n"))
            .containsExactly("a|one", "b|two");
      }
    }
  }

  @Test
  void crAtChunkEndFollowedByLfInNextChunkIsOneLineEnd() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e);
    d.feed(utf8("data: x\r"), 0, 8);
    d.feed(utf8("\n\r"), 0, 2);
    d.feed(utf8("\n"), 0, 1);
    assertThat(d.finish()).isFalse();
    assertThat(e.seen).containsExactly("null|x");
  }

  @Test
  void multiByteUtf8SplitAcrossChunks() {
    String s = "data: {\"t\":\"Grüße, 東京 🚀\"}\n\n";
    byte[] b = utf8(s);
    for (int size = 1; size <= 5; size++) {
      Events e = new Events();
      SseDecoder d = new SseDecoder(e);
      assertThat(feedInChunks(d, b, size)).isFalse();
      assertThat(e.seen).containsExactly("null|{\"t\":\"Grüße, 東京 🚀\"}");
    }
  }

  @Test
  void commentsIdRetryAndUnknownFieldsAreIgnored() {
    String s = ": keep-alive\n\nid: 7\nretry: 1000\nfoo: bar\n: comment inside\ndata: x\n\n:OPENROUTER PROCESSING\n\n";
    assertThat(decode(s, 3)).containsExactly("null|x");
  }

  @Test
  void multiLineDataIsJoinedWithNewline() {
    assertThat(decode("data: a\ndata:b\ndata:  c\ndata\n\n", 2))
        .containsExactly("null|a\nb\n c\n");
  }

  @Test
  void optionalSpaceAfterColonAndEmptyData() {
    assertThat(decode("data:x\n\ndata: \n\nevent:e\ndata:y\n\n", 1))
        .containsExactly("null|x", "null|", "e|y");
  }

  @Test
  void eventWithoutDataIsNotDispatchedAndNameDoesNotLeak() {
    assertThat(decode("event: ping\n\ndata: x\n\n", 4)).containsExactly("null|x");
  }

  @Test
  void leadingBomIsSkipped() {
    assertThat(decode("\uFEFFdata: x\n\n", 1)).containsExactly("null|x");
  }

  @Test
  void finalEventWithoutBlankLineIsNotDispatchedAndReportsTruncation() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e);
    byte[] b = utf8("data: one\n\ndata: two\n");
    d.feed(b, 0, b.length);
    assertThat(d.finish()).isTrue();
    assertThat(e.seen).containsExactly("null|one");

    Events e2 = new Events();
    SseDecoder d2 = new SseDecoder(e2);
    byte[] b2 = utf8("data: one\n\ndata: tw");
    d2.feed(b2, 0, b2.length);
    assertThat(d2.finish()).isTrue();
    assertThat(e2.seen).containsExactly("null|one");
  }

  @Test
  void cleanEndIsNotTruncated() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e);
    assertThat(d.finish()).as("empty stream").isFalse();
    Events e2 = new Events();
    SseDecoder d2 = new SseDecoder(e2);
    byte[] b = utf8(": only a comment\n");
    d2.feed(b, 0, b.length);
    assertThat(d2.finish()).isFalse();
    assertThat(e2.seen).isEmpty();
  }

  @Test
  void oversizedEventIsDroppedAndLaterEventsStillArrive() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e, 64);
    String big = "x".repeat(200);
    byte[] b = utf8("data: small\n\ndata: " + big + "\n\ndata: a\ndata: " + big + "\n\ndata: after\n\n");
    assertThat(feedInChunks(d, b, 7)).isFalse();
    assertThat(e.seen).containsExactly("null|small", "null|after");
    assertThat(d.droppedEvents()).isEqualTo(2);
  }

  @Test
  void oversizedLineInOneChunkIsDroppedToo() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e, 64);
    byte[] b = utf8("data: " + "y".repeat(500) + "\n\ndata: ok\n\n");
    d.feed(b, 0, b.length);
    assertThat(d.finish()).isFalse();
    assertThat(e.seen).containsExactly("null|ok");
    assertThat(d.droppedEvents()).isEqualTo(1);
  }

  @Test
  void memoryStaysBoundedOnAnEndlessLine() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e, 1024);
    byte[] chunk = utf8("z".repeat(4096));
    d.feed(utf8("data: "), 0, 6);
    for (int i = 0; i < 2000; i++) { // 8 MiB without a line end
      d.feed(chunk, 0, chunk.length);
    }
    assertThat(d.finish()).isTrue();
    assertThat(e.seen).isEmpty();
  }

  @Test
  void respectsOffsetAndLength() {
    Events e = new Events();
    SseDecoder d = new SseDecoder(e);
    byte[] b = utf8("GARBAGEdata: x\n\nGARBAGE");
    d.feed(b, 7, 9);
    assertThat(d.finish()).isFalse();
    assertThat(e.seen).containsExactly("null|x");
  }

  @Test
  void eventNamesAreReusedNotReallocated() {
    List<String> names = new ArrayList<>();
    SseDecoder d = new SseDecoder((event, data, length) -> names.add(event));
    byte[] b = utf8("event: a.b\ndata: 1\n\nevent: a.b\ndata: 2\n\nevent: c\ndata: 3\n\n");
    d.feed(b, 0, b.length);
    assertThat(names).containsExactly("a.b", "a.b", "c");
    assertThat(names.get(0)).isSameAs(names.get(1));
  }

  @Test
  void randomChunkingsGiveTheSameEvents() {
    StringBuilder s = new StringBuilder();
    List<String> expected = new ArrayList<>();
    Random r = new Random(1);
    String[] ends = {"\n", "\r\n", "\r"};
    for (int i = 0; i < 200; i++) {
      String end = ends[r.nextInt(3)];
      String data = "{\"i\":" + i + ",\"t\":\"é" + "x".repeat(r.nextInt(50)) + "\"}";
      if (r.nextBoolean()) {
        s.append(": c").append(end);
      }
      s.append("event: e").append(i % 3).append(end).append("data: ").append(data).append(end).append(end);
      expected.add("e" + (i % 3) + "|" + data);
    }
    byte[] b = utf8(s.toString());
    for (long seed = 0; seed < 20; seed++) {
      Random cut = new Random(seed);
      Events e = new Events();
      SseDecoder d = new SseDecoder(e);
      int i = 0;
      while (i < b.length) {
        int n = Math.min(b.length - i, 1 + cut.nextInt(64));
        d.feed(b, i, n);
        i += n;
      }
      assertThat(d.finish()).isFalse();
      assertThat(e.seen).isEqualTo(expected);
    }
  }

  @Test
  void listenerFailureDoesNotBreakTheDecoder() {
    List<String> seen = new ArrayList<>();
    SseDecoder d = new SseDecoder((event, data, length) -> {
      String s = new String(data, 0, length, StandardCharsets.UTF_8);
      if (s.equals("boom")) {
        throw new IllegalStateException("listener");
      }
      seen.add(s);
    });
    byte[] b = utf8("data: boom\n\n");
    try {
      d.feed(b, 0, b.length);
    } catch (IllegalStateException expected) {
      // the observer catches its own failures; the decoder must just stay consistent
    }
    byte[] b2 = utf8("data: ok\n\n");
    d.feed(b2, 0, b2.length);
    assertThat(seen).containsExactly("ok");
  }
}
