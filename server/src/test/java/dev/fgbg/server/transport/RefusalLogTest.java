package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.TestCertificates;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.admission.LoadOptions;
import dev.fgbg.server.observe.RefusalLog;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator reads of refused calls and failed TLS handshakes, over real Netty on
 * loopback: one WARNING line naming what was refused and for whom, then at most one a minute
 * with the count.
 */
@ExtendWith(LogCapture.Clean.class)
class RefusalLogTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final String ALICE = "alice-0123456789abcdef";

  private static Channel with(Channel c, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Status.Code describe(Channel c) {
    try {
      FgbgGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("tiny").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static List<String> warnings(LogCapture log, Class<?> of) {
    return log.of(of.getName()).stream().filter(r -> r.getLevel() == Level.WARNING)
        .map(LogRecord::getMessage).toList();
  }

  @Test
  void refusedCallsAreLoggedNamingTheClientAtMostOnceAMinute() throws Exception {
    AtomicLong now = new AtomicLong();
    AccessTokens tokens = AccessTokens.parse(List.of("alice:" + ALICE), "test tokens");
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .window(2).ticker(now::get).connect(ConnectOptions.builder().tokens(tokens).build())
             .load(LoadOptions.builder().maxStreamsPerClient(1).build()).build())) {
      for (int k = 0; k < 5; k++) {
        assertEquals(Status.Code.UNAUTHENTICATED, describe(s.channel()));
      }
      List<String> lines = warnings(log, RefusalLog.class);
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("refused Describe from 127.0.0.1: UNAUTHENTICATED this "
          + "server asks for a bearer token"), lines.get(0));
      assertTrue(lines.get(0).endsWith("(" + MinuteLines.COUNTED + ")"), lines.get(0));

      // Over the per-client stream cap (built-in samples: the first stream stays open).
      Channel alice = with(s.channel(), ALICE);
      StreamEpochRequest r = StreamEpochRequest.newBuilder().setDataset("builtin")
          .setBatchSize(1).build();
      StreamReader first = new StreamReader(alice, r, 1, 1, LONG);
      assertTrue(StreamReader.await(first.first, LONG));
      for (int k = 0; k < 3; k++) {
        StreamReader over = new StreamReader(alice, r, 1, 1, LONG);
        assertTrue(StreamReader.await(over.closed, LONG));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, over.status.getCode());
      }
      first.cancel();
      lines = warnings(log, RefusalLog.class);
      assertEquals(2, lines.size(), lines.toString());
      assertTrue(lines.get(1).startsWith("refused StreamEpoch from 127.0.0.1 (token alice): "
          + "RESOURCE_EXHAUSTED client token alice has 1 stream open"), lines.get(1));

      // A minute on, the next refusal sums up those held back.
      now.addAndGet(MinuteLines.EVERY.toNanos());
      assertEquals(Status.Code.UNAUTHENTICATED, describe(with(s.channel(), "wrong-0123456789")));
      lines = warnings(log, RefusalLog.class);
      assertEquals(3, lines.size(), lines.toString());
      assertEquals("5 more calls refused without a valid token in the last 60 s (last: Describe "
          + "from 127.0.0.1: UNAUTHENTICATED the bearer token is not one this server accepts)",
          lines.get(2));
    }
  }

  /**
   * The count of a burst's last minute is logged once the minute is over, by the server's
   * timer, though no refusal follows; what is held when the server stops, at the stop.
   */
  @Test
  void aBurstsLastCountIsLoggedOnceItsMinuteIsOverAndAtTheStop() throws Exception {
    AtomicLong now = new AtomicLong();
    AccessTokens tokens = AccessTokens.parse(List.of("alice:" + ALICE), "test tokens");
    try (LogCapture log = new LogCapture()) {
      try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
          .window(2).ticker(now::get).connect(ConnectOptions.builder().tokens(tokens).build())
          .build())) {
        for (int k = 0; k < 3; k++) {
          assertEquals(Status.Code.UNAUTHENTICATED, describe(s.channel()));
        }
        assertEquals(1, warnings(log, RefusalLog.class).size());

        now.addAndGet(MinuteLines.EVERY.toNanos());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (warnings(log, RefusalLog.class).size() < 2 && System.nanoTime() < until) {
          Thread.sleep(20);
        }
        List<String> lines = warnings(log, RefusalLog.class);
        assertEquals(2, lines.size(), "the burst's count, with no refusal after it: " + lines);
        assertTrue(lines.get(1).startsWith("2 more calls refused without a valid token in the "
            + "last 60 s (last: Describe from 127.0.0.1: UNAUTHENTICATED this server asks for "
            + "a bearer token"), lines.get(1));

        assertEquals(Status.Code.UNAUTHENTICATED, describe(with(s.channel(), "wrong-01234567")));
        assertEquals(2, warnings(log, RefusalLog.class).size(), "within the minute: held");
      }
      List<String> lines = warnings(log, RefusalLog.class);
      assertEquals(3, lines.size(), "held at the stop: " + lines);
      assertTrue(lines.get(2).startsWith("1 more calls refused without a valid token in the "
          + "last 0 s (last: Describe from 127.0.0.1: UNAUTHENTICATED the bearer token is not "
          + "one"), lines.get(2));
    }
  }

  @Test
  void failedTlsHandshakesAreLoggedNamingThePeerAtMostOnceAMinute(@TempDir Path dir)
      throws Exception {
    TestCertificates certs = TestCertificates.write(dir);
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .window(2).connect(ConnectOptions.builder()
                 .tls(certs.serverCert(), certs.serverKey()).build()).build())) {
      for (int k = 0; k < 3; k++) {
        assertEquals(Status.Code.UNAVAILABLE,
            describe(s.channel(InsecureChannelCredentials.create())), "plaintext to TLS");
        assertEquals(Status.Code.UNAVAILABLE, describe(s.channel(TlsChannelCredentials
            .newBuilder().trustManager(certs.otherCa().toFile()).build())), "another CA");
      }
      assertEquals(Status.Code.OK, describe(s.channel(TlsChannelCredentials.newBuilder()
          .trustManager(certs.ca().toFile()).build())));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (warnings(log, HandshakeFailures.class).isEmpty() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      List<String> lines = warnings(log, HandshakeFailures.class);
      assertEquals(1, lines.size(), lines.toString());
      assertEquals("TLS handshake failed with 127.0.0.1: it sent no TLS (a plaintext client on "
          + "this TLS port?) (" + MinuteLines.COUNTED + ")", lines.get(0));
    }
  }

  /**
   * Clients that go mid-handshake (a deadline passing as a call connects; the server's next
   * TLS message then fails to write) are no TLS problem: a FINE line each, no WARNING.
   */
  @Test
  void clientsThatLeaveMidHandshakeAreNoWarning(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.write(dir);
    Logger handshakes = Logger.getLogger(HandshakeFailures.class.getName());
    handshakes.setLevel(Level.FINE);
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .window(2).connect(ConnectOptions.builder()
                 .tls(certs.serverCert(), certs.serverKey()).build()).build())) {
      SSLEngine client = SSLContext.getDefault().createSSLEngine("localhost", 1);
      client.setUseClientMode(true);
      ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
      client.wrap(ByteBuffer.allocate(0), hello);
      hello.flip();
      byte[] bytes = new byte[hello.remaining()];
      hello.get(bytes);
      int left = 30;
      for (int k = 0; k < left; k++) {
        try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
          socket.setSoLinger(true, 0); // a reset, as a process that stopped waiting
          socket.getOutputStream().write(bytes);
          socket.getOutputStream().flush();
        }
      }
      assertEquals(Status.Code.OK, describe(s.channel(TlsChannelCredentials.newBuilder()
          .trustManager(certs.ca().toFile()).build())));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (fine(log).size() < left && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(left, fine(log).size(), fine(log).toString());
      assertTrue(fine(log).get(0).startsWith("TLS handshake with 127.0.0.1 ended: the client "
          + "closed the connection"), fine(log).get(0));
      assertEquals(List.of(), warnings(log, HandshakeFailures.class));
    } finally {
      handshakes.setLevel(null);
    }
  }

  private static List<String> fine(LogCapture log) {
    return log.of(HandshakeFailures.class.getName()).stream()
        .filter(r -> r.getLevel() == Level.FINE).map(LogRecord::getMessage).toList();
  }

  @Test
  void theSummaryCountsFailedHandshakesSinceTheLastLine() {
    AtomicLong now = new AtomicLong();
    try (LogCapture log = new LogCapture()) {
      HandshakeFailures failures = new HandshakeFailures(now::get);
      for (int k = 0; k < 4; k++) {
        failures.failed(new InetSocketAddress("127.0.0.1", 5000 + k),
            new SSLHandshakeException("no cipher"));
      }
      now.addAndGet(MinuteLines.EVERY.toNanos() + 5_000_000_000L);
      failures.failed(new InetSocketAddress("127.0.0.1", 6000),
          new SSLHandshakeException("error:10000438:SSL routines:OPENSSL_internal:"
              + "TLSV1_ALERT_INTERNAL_ERROR"));
      List<String> lines = warnings(log, HandshakeFailures.class);
      assertEquals(List.of("TLS handshake failed with 127.0.0.1: 'no cipher' ("
          + MinuteLines.COUNTED + ")", "4 more TLS handshakes failed in the last 65 s (last: "
          + "127.0.0.1: it broke the handshake off (does it trust the CA of --tls-cert?) 'error:"
          + "10000438:SSL routines:OPENSSL_internal:TLSV1_ALERT_INTERNAL_ERROR')"), lines);
    }
  }
}
