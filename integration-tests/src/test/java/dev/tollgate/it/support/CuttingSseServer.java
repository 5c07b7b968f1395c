package dev.tollgate.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider whose first streamed answer breaks: {@code POST /v1/chat/completions} gets the
 * recorded include-usage stream as HTTP/1.1 chunks, but on the first request the connection is
 * closed after {@code eventsBeforeCut} events, without the last chunk (a stream cut mid-way, as
 * when a provider or a proxy drops the connection). Every later request gets the whole stream.
 * A raw socket server, because a well-behaved HTTP server always ends its chunked bodies.
 */
public final class CuttingSseServer implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;
  private final List<String> events;
  private final Map<String, String> headers;
  private final int eventsBeforeCut;
  private final AtomicInteger count = new AtomicInteger();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

  public CuttingSseServer(Recording stream, int eventsBeforeCut) throws IOException {
    this.events = stream.sseEvents();
    this.headers = stream.headers();
    this.eventsBeforeCut = eventsBeforeCut;
    socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "cutting-sse");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread t = new Thread(() -> serve(client), "cutting-sse-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
      int contentLength = 0;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          String name = lines[i].substring(0, colon).trim();
          String value = lines[i].substring(colon + 1).trim();
          requestHeaders.put(name, List.of(value));
          if (name.toLowerCase(Locale.ROOT).equals("content-length")) {
            contentLength = Integer.parseInt(value);
          }
        }
      }
      byte[] body = in.readNBytes(contentLength);
      requests.add(new RecordedRequest(requestLine[0], requestLine[1], requestHeaders, body));
      boolean cut = count.incrementAndGet() == 1;

      OutputStream out = client.getOutputStream();
      StringBuilder response = new StringBuilder("HTTP/1.1 200 OK\r\n");
      headers.forEach((name, value) -> response.append(name).append(": ").append(value).append("\r\n"));
      response.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
      out.write(response.toString().getBytes(StandardCharsets.US_ASCII));
      int n = cut ? eventsBeforeCut : events.size();
      for (int i = 0; i < n; i++) {
        byte[] event = events.get(i).getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(event);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      if (cut) {
        // the events arrive (and are read, even on a loaded machine) first, then the connection drops
        Thread.sleep(1000);
        return; // closed without the terminating 0-length chunk
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException | InterruptedException e) {
      // the client went away
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the request head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  public int eventCount() {
    return events.size();
  }

  public int port() {
    return socket.getLocalPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
