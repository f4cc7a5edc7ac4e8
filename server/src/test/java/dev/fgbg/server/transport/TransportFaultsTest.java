package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.ResetLimit;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What any peer can send without a token, over real Netty on loopback: metadata over gRPC's
 * limit, a request message over it, a reset of a stream never opened, a call without
 * "te: trailers". Each is one FINE line in words naming the peer (where Netty's thread knows it)
 * and at most one INFO line a minute per kind, never a trace or WARNING; the server serves on.
 */
class TransportFaultsTest {
  private static final Logger FAULTS = Logger.getLogger(TransportFaults.class.getName());
  private static final String DESCRIBE = "/fgbg.v1.Fgbg/Describe";
  private Level was;

  @BeforeEach
  void fine() {
    was = FAULTS.getLevel();
    FAULTS.setLevel(Level.FINE);
  }

  @AfterEach
  void back() {
    FAULTS.setLevel(was);
  }

  private static List<String> lines(LogCapture log, Level level, Predicate<String> p) {
    return log.of(TransportFaults.class.getName()).stream().filter(r -> r.getLevel() == level)
        .map(LogRecord::getMessage).filter(p).toList();
  }

  /** Netty's and grpc's own records at INFO or above (each was a trace before). */
  private static List<String> netty(LogCapture log) {
    return log.records().stream().filter(r -> r.getLoggerName() != null
            && r.getLoggerName().startsWith("io.grpc")
            && r.getLevel().intValue() >= Level.INFO.intValue())
        .map(LogCapture::line).toList();
  }

  private static String describe(TestServer s) {
    return FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  @Test
  void metadataOverTheLimitIsOneWordedLineNamingThePeer() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      int port = s.server().port();
      try (RawHttp2 raw = new RawHttp2(port)) {
        for (int k = 0; k < 50; k++) {
          raw.call(1 + 2 * k, DESCRIBE, "x-junk", 70_000); // over 64 KiB: the call is refused
        }
        assertFalse(raw.closedWithin(1000), "the connection serves on");
      }
      try (RawHttp2 raw = new RawHttp2(port)) {
        raw.call(1, DESCRIBE, "x-junk", 100_000); // over 80 KiB: the connection is closed
        assertTrue(raw.closedWithin(10_000));
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("metadata"));
      assertEquals(51, fine.size(), fine.toString());
      assertEquals("refused a call: metadata over 65536 bytes from 127.0.0.1 (HTTP 431)",
          fine.get(0));
      assertEquals("refused a call: metadata over 81920 bytes from 127.0.0.1 (connection "
          + "closed)", fine.get(50));
      List<String> info = lines(log, Level.INFO, m -> m.contains("metadata"));
      assertTrue(info.size() <= 1, "at most one INFO line a minute: " + info);
      assertTrue(lines(log, Level.INFO, m -> m.contains("does not speak gRPC")).isEmpty());
    }
  }

  @Test
  void callsWithoutTeTrailersAreOneFineLineEachNotAWarningPerCall() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      for (int k = 0; k < 30; k++) { // as connflood.py's "note": a new connection per call
        try (RawHttp2 raw = new RawHttp2(s.server().port())) {
          raw.call(1, DESCRIBE, "x-note", 1, false);
          assertTrue(raw.ping(), "the server read the call's headers and serves on");
        }
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("te: trailers"));
      assertEquals(30, fine.size(), fine.toString());
      assertEquals("served a call from 127.0.0.1 without 'te: trailers' (no te header; a proxy"
          + " that drops trailers, or a client that is not gRPC's)", fine.get(0));
      List<String> info = lines(log, Level.INFO, m -> m.contains("te: trailers"));
      assertEquals(1, info.size(), "one INFO line a minute: " + info);
      assertTrue(info.get(0).startsWith(fine.get(0) + " (later ones are logged at FINE and "
          + "counted here at most once a minute)"), info.get(0));
    }
  }

  @Test
  void aRequestOverTheLimitIsOneWordedLine() throws Exception {
    GetSamplesRequest big = GetSamplesRequest.newBuilder().setDataset("builtin")
        .addAllIndices(Collections.nCopies(2_000_000, 399_999L)).build(); // 6 MB
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      for (int k = 0; k < 5; k++) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getSamples(big));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("request message"));
      assertEquals(5, fine.size(), fine.toString());
      assertTrue(fine.get(0).startsWith("refused a request message of 6000014 bytes, over the "
          + "4194304-byte limit (RESOURCE_EXHAUSTED)"), fine.get(0));
      assertTrue(lines(log, Level.INFO, m -> m.contains("request message")).size() <= 1);
    }
  }

  @Test
  void aResetOfACallNeverOpenedIsIgnoredAndTheConnectionServesOn(@TempDir Path dir)
      throws Exception {
    TestCertificates certs = TestCertificates.write(dir);
    Logger resets = Logger.getLogger(IdleStreamResets.class.getName());
    resets.setLevel(Level.FINE);
    try (LogCapture log = new LogCapture();
         TestServer plain = TestServer.netty(TestDatasets.registry(), 1);
         TestServer tls = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .connect(ConnectOptions.builder().tls(certs.serverCert(), certs.serverKey())
                 .build()).build())) {
      for (RawHttp2 raw : List.of(new RawHttp2(plain.server().port()),
          RawHttp2.tls(tls.server().port(), certs.ca()))) {
        try (raw) {
          // As grpc-python does when a deadline passes between a stream id and its HEADERS.
          raw.reset(5);
          assertTrue(raw.ping(), "the connection serves on");
          raw.call(7, DESCRIBE, "x-pad", 1);
          raw.reset(7); // a call opened: its reset is Netty's
          raw.reset(9);
          raw.reset(11);
          assertTrue(raw.ping(), "the connection serves on");
          raw.reset(2); // a server stream never open: a broken peer, closed as before
          assertTrue(raw.closedWithin(10_000));
        }
      }
      try (RawHttp2 raw = new RawHttp2(plain.server().port())) {
        // A flood of them is no deadline: up to the rapid-reset rate dropped, then Netty's.
        for (int k = 0; k < ResetLimit.MAX_RESETS; k++) {
          raw.reset(13);
        }
        assertTrue(raw.ping(), "the connection serves on");
        raw.reset(13);
        assertTrue(raw.closedWithin(10_000));
      }
      assertEquals("tiny", describe(plain));
      plain.close();
      tls.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> ignored = log.of(IdleStreamResets.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.FINE).map(LogRecord::getMessage).toList();
      assertEquals(List.of("5", "9", "11", "5", "9", "11"), ignored.stream().limit(6)
          .map(m -> m.replaceAll(".*reset of stream (\\d+).*", "$1")).toList());
      assertEquals(6 + ResetLimit.MAX_RESETS, ignored.size());
      assertEquals("ignored 127.0.0.1's reset of stream 5, which it had not opened (a deadline "
          + "or cancel racing the call's start)", ignored.get(0));
      List<String> closed = lines(log, Level.FINE, m -> m.contains("never open"));
      assertEquals(3, closed.size(), closed.toString());
      assertEquals("connection from 127.0.0.1 closed: it reset streams never open (a server's, "
          + "or more than 1000 of its own in 10 s)", closed.get(0));
    } finally {
      resets.setLevel(null);
    }
  }

  @Test
  void aHeaderBlockHpackCannotDecodeIsOneWordedLineNotATrace() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      for (int k = 0; k < 20; k++) {
        try (RawHttp2 raw = new RawHttp2(s.server().port())) {
          // As the tester's peer: six 0xff bytes, an index HPACK cannot decode.
          raw.send(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1, new byte[] {-1, -1, -1, -1, -1, -1});
          assertTrue(raw.closedWithin(10_000), "the connection is closed");
        }
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("HPACK"));
      assertEquals(20, fine.size(), fine.toString());
      assertTrue(fine.get(0).startsWith("connection from 127.0.0.1 dropped: the peer does not "
          + "speak gRPC over HTTP/2 ('HPACK - decompression failure"), fine.get(0));
      // The kind's INFO line is the process's: another test's drop may have had it this minute.
      List<String> info = lines(log, Level.INFO, m -> m.contains("dropped"));
      assertTrue(info.size() <= 1, "at most one INFO line a minute: " + info);
    }
  }

  @Test
  void aGrpcHeaderGrpcCannotReadIsOneWordedLineNotATracePerCall() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      try (RawHttp2 raw = new RawHttp2(s.server().port())) {
        for (int k = 0; k < 40; k++) { // as the tester's peer: grpc-timeout "zz", no token
          raw.call(1 + 2 * k, DESCRIBE, "grpc-timeout", 2);
        }
        assertTrue(raw.ping(), "the server read every call's headers and serves on");
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("header grpc cannot read"));
      assertEquals(40, fine.size(), fine.toString());
      assertEquals("call reset: a header grpc cannot read 'For input string: \"z\"' from "
          + "127.0.0.1", fine.get(0));
      assertTrue(lines(log, Level.INFO, m -> m.contains("header grpc")).size() <= 1);
    }
  }

  @Test
  void aFloodOfControlFramesClosesTheConnectionWithOneWordedLine() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      for (int k = 0; k < 3; k++) {
        try (RawHttp2 raw = new RawHttp2(s.server().port())) {
          long sent = raw.settingsFlood(10_000, 20_000_000);
          assertTrue(sent < 20_000_000, "the server closed the flooding connection");
        }
      }
      assertEquals("tiny", describe(s));
      s.close();
      log.assertNoTraces();
      assertEquals(List.of(), netty(log));
      List<String> fine = lines(log, Level.FINE, m -> m.contains("control frames"));
      assertEquals(3, fine.size(), fine.toString());
      assertTrue(fine.get(0).startsWith("connection from 127.0.0.1 dropped: it sent control "
          + "frames (SETTINGS, PING) faster than it read their answers"), fine.get(0));
    }
  }
}
