package dev.fgbg.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.http.HalfHeads;
import dev.fgbg.server.http.JdkHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metrics port's limit on a request's head in a server of its own JVM, started with no
 * {@code -D} for it (the test JVM's own argLine sets it): loading the Prometheus exporter's
 * HTTPServer set it to 60 s, and fgbg's 5 s, set only when absent, never applied.
 */
class MetricsHeadLimitStartUpTest {
  private static final Pattern METRICS = Pattern.compile("metrics on http://[^:]+:(\\d+)/");
  private static final String HALF_HEAD = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  /** More than the metrics port's 128 threads: a scrape waits for a dribbler to be closed. */
  private static final int DRIBBLERS = 136;
  /** Well within the old 60 s, thrice the limit the README gives. */
  private static final int BOUND_MS = 3 * JdkHttp.REQUEST_SECONDS * 1000;

  @Test
  void clientsSendingHalfAHeadAreClosedAndAScrapeBehindThemIsAnswered() throws Exception {
    List<Socket> slow = List.of();
    try (ServerJvm s = new ServerJvm(List.of(), "--builtin-size", "16", "--builtin-counts",
        "1:1", "--metrics-port", "0")) {
      Matcher m = METRICS.matcher(s.awaitLines("Prometheus metrics on", 1).get(0));
      assertTrue(m.find());
      int port = Integer.parseInt(m.group(1));
      slow = HalfHeads.open(port, DRIBBLERS, HALF_HEAD);
      try (Socket scrape = new Socket("127.0.0.1", port)) {
        scrape.setSoTimeout(BOUND_MS);
        scrape.getOutputStream().write(
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        String reply = new String(read(scrape.getInputStream(), "the scrape"),
            StandardCharsets.UTF_8);
        assertTrue(reply.startsWith("HTTP/1.1 200 "), reply);
        assertTrue(reply.contains("fgbg_memory_budget_capacity_bytes"), reply);
      }
      Socket first = slow.get(0);
      first.setSoTimeout(BOUND_MS);
      assertEquals(0, read(first.getInputStream(), "a client that sent half a head").length,
          "the server answered half a request head");
    } finally {
      HalfHeads.close(slow);
    }
  }

  /** All it sends until it closes the connection; fails if that takes longer than the bound. */
  private static byte[] read(InputStream in, String what) throws IOException {
    try {
      return in.readAllBytes();
    } catch (SocketTimeoutException e) {
      throw new AssertionError(what + ": connection still open after " + BOUND_MS + " ms");
    } catch (IOException reset) {
      return new byte[0]; // closed by a reset: closed all the same
    }
  }
}
