package dev.tollgate.it.support;

/**
 * One exchange in a {@link FakeProvider}'s journal: the request, the status it was answered with
 * (or the fault that cut it), and when it arrived (epoch ms, WireMock's clock).
 */
public record Served(RecordedRequest request, int status, String fault, long receivedAtMillis) {

  /** The request's path without the query. */
  public String path() {
    String url = request.url();
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  @Override
  public String toString() {
    return request.method() + " " + request.url() + " -> " + (fault != null ? fault : String.valueOf(status))
        + " at " + receivedAtMillis;
  }
}
