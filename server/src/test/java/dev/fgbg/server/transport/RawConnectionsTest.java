package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that do not speak gRPC (silent, HTTP/1.1, an HTTP/2 preface then garbage, random
 * bytes), over real Netty in plaintext and TLS: no stack trace in the log, one FINE line per
 * connection dropped, at most one INFO line a minute, and the server serves on.
 */
class RawConnectionsTest {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);

  @Test
  void rawConnectionsLogOneLineEachAndNoTrace(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.write(dir);
    Logger faults = Logger.getLogger(TransportFaults.class.getName());
    Level was = faults.getLevel();
    faults.setLevel(Level.FINE);
    try (LogCapture log = new LogCapture()) {
      int plainPort;
      try (TestServer plain = TestServer.netty(TestDatasets.registry(), 1);
           TestServer tls = TestServer.netty(TestDatasets.registry(),
               TestServer.options(1).window(2).connect(ConnectOptions.builder()
                   .tls(certs.serverCert(), certs.serverKey()).build()).build())) {
        plainPort = plain.server().port();
        Random random = new Random(22);
        for (int k = 0; k < 150; k++) {
          poke(plainPort, k % 4, random);
        }
        for (int k = 0; k < 40; k++) {
          poke(tls.server().port(), k % 4, random);
        }
        // Still serving, to gRPC clients of both.
        assertEquals("tiny", FgbgGrpc.newBlockingStub(plain.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName());
      } // stopped: every connection's end has been logged
      log.assertNoTraces();
      List<LogRecord> netty = log.of(TransportFaults.CONNECTIONS).stream()
          .filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).toList();
      assertEquals(List.of(), netty.stream().map(LogCapture::line).toList());
      List<LogRecord> mine = log.of(TransportFaults.class.getName());
      long info = mine.stream().filter(r -> r.getLevel() == Level.INFO).count();
      long fine = mine.stream().filter(r -> r.getLevel() == Level.FINE).count();
      assertTrue(info >= 1 && info <= 2, "at most one INFO line a minute: " + info);
      assertTrue(fine >= 100, "one FINE line per connection dropped: " + fine);
      for (LogRecord r : mine) {
        assertTrue(r.getMessage().contains("connection") && !r.getMessage().contains("\n"),
            r.getMessage());
      }
    } finally {
      faults.setLevel(was);
    }
  }

  /** One connection: silent, HTTP/1.1, the HTTP/2 preface then garbage, or random bytes. */
  private static void poke(int port, int kind, Random random) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      byte[] junk = new byte[64 + random.nextInt(512)];
      random.nextBytes(junk);
      switch (kind) {
        case 0 -> {
          return; // silent: connects and goes
        }
        case 1 -> out.write(("GET /fgbg.v1.Fgbg/Describe HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        case 2 -> {
          out.write(PREFACE);
          out.write(junk);
        }
        default -> out.write(junk);
      }
      out.flush();
      drain(s.getInputStream()); // the server closes the connection
    } catch (IOException e) {
      // a reset is the server's answer too
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] b = new byte[4096];
    while (in.read(b) >= 0) {
      // until the server closes
    }
  }

  @Test
  void theSummaryComesAtMostOnceAMinuteAndABugKeepsItsTrace() {
    AtomicLong now = new AtomicLong();
    Ticker ticker = now::get;
    Filter filter = new TransportFaults(ticker).filter();
    try (LogCapture log = new LogCapture()) {
      LogRecord fault = new LogRecord(Level.INFO, "Transport failed");
      fault.setThrown(new IOException("Connection reset by peer"));
      for (int k = 0; k < 5; k++) {
        assertEquals(false, filter.isLoggable(fault));
      }
      now.addAndGet(TransportFaults.SUMMARY_EVERY.toNanos());
      assertEquals(false, filter.isLoggable(fault));
      List<String> info = log.of(TransportFaults.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).toList();
      assertEquals(2, info.size(), info.toString());
      assertTrue(info.get(0).startsWith("connection dropped: connection error ('Connection "
          + "reset by peer')"), info.get(0));
      assertTrue(info.get(1).startsWith("5 connections dropped by transport errors in the last "
          + "60 s"), info.get(1));
      LogRecord bug = new LogRecord(Level.INFO, "Transport failed");
      bug.setThrown(new NullPointerException("a bug"));
      assertTrue(filter.isLoggable(bug), "a failure that is not the peer's keeps its trace");
    }
    try (LogCapture log = new LogCapture()) { // a rapid reset has a line of its own kind
      LogRecord flood = new LogRecord(Level.INFO, "Transport failed");
      flood.setThrown(new IOException("too_many_rststreams"));
      assertEquals(false, filter.isLoggable(flood));
      List<String> info = log.of(TransportFaults.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).toList();
      assertEquals(1, info.size(), info.toString());
      assertTrue(info.get(0).startsWith("connection dropped: it reset calls faster than 1000 in "
          + "10 s"), info.get(0));
    }
    assertNull(TransportFaults.peerFault(new IllegalStateException("x")));
    assertNotNull(TransportFaults.peerFault(new RuntimeException(
        new SSLHandshakeException("no cipher"))));
  }
}
