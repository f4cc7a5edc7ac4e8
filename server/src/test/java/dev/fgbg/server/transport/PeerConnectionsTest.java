package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Attributes;
import io.grpc.Grpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * Connections that hold file descriptors without calls, over real Netty on loopback: a peer
 * over --max-connections-per-client has its new connections closed at once (one WARNING line),
 * and a connection with no call open is closed after --max-connection-idle, while a long health
 * Watch and a client's later calls go on.
 */
class PeerConnectionsTest {
  private static TestServer server(ConnectOptions connect) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2)
        .connect(connect).build());
  }

  private static String describe(ManagedChannel c) {
    return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  @Test
  void aPeerOverItsCapHasNewConnectionsClosedAtOnce() throws Exception {
    List<ManagedChannel> held = new ArrayList<>();
    try (LogCapture log = new LogCapture();
         TestServer s = server(ConnectOptions.builder().maxConnectionsPerClient(4).build())) {
      int port = s.server().port();
      for (int k = 0; k < 4; k++) {
        // Served (a call that passed authentication), and not quiet for long: never closed
        // for a newcomer.
        held.add(s.channel(InsecureChannelCredentials.create()));
        assertEquals("tiny", describe(held.get(k)), "connection " + (k + 1) + " is served");
      }
      for (int k = 0; k < 6; k++) {
        assertTrue(RawHttp2.closedAtOnce(port), "connection " + (5 + k) + " is over the cap");
      }
      for (ManagedChannel h : held) {
        assertEquals(ConnectivityState.READY, h.getState(false), "the first 4 are served");
        h.shutdownNow();
      }
      // Their count is given back as they close: a client connects again.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String name = null;
      while (name == null && System.nanoTime() < until) {
        try {
          name = describe(s.channel(InsecureChannelCredentials.create()));
        } catch (RuntimeException e) {
          Thread.sleep(100); // the server has not yet seen the held ones close
        }
      }
      assertEquals("tiny", name);
      log.assertNoTraces();
      List<String> lines = log.of(PeerConnections.class.getName()).stream()
          .map(LogRecord::getMessage).toList();
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("refused a connection from 127.0.0.1, which has 4 "
          + "open, the most --max-connections-per-client allows"), lines.get(0));
    }
  }

  @Test
  void theCapCountsEachAddressOnItsOwn() {
    PeerConnections peers = new PeerConnections(2, Duration.ofSeconds(10), Duration.ofSeconds(30),
        () -> 0L);
    InetAddress a = InetAddress.getLoopbackAddress();
    assertTrue(peers.admit(a));
    assertTrue(peers.admit(a));
    assertFalse(peers.admit(a));
    assertEquals(2, peers.open(a));
    peers.closed(a);
    assertTrue(peers.admit(a));
    peers.closed(a);
    peers.closed(a);
    assertEquals(0, peers.open(a));
    assertNull(PeerConnections.reading());
  }

  @Test
  void onlyAConnectionThatNeverGotReadyAndLivedTheTimeoutIsHalfOpen() {
    PeerConnections peers = new PeerConnections(8, Duration.ofSeconds(10), Duration.ofSeconds(30),
        () -> 0L);
    InetAddress a = InetAddress.getLoopbackAddress();
    InetSocketAddress ready = new InetSocketAddress(a, 40001);
    peers.readiness().transportReady(Attributes.newBuilder()
        .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ready).build());
    long timeout = Duration.ofSeconds(10).toNanos();
    try (LogCapture log = new LogCapture()) {
      for (int k = 0; k < 3; k++) {
        peers.admit(a);
      }
      peers.ended(ready, a, timeout * 2); // a client's connection, long served
      peers.ended(new InetSocketAddress(a, 40002), a, timeout / 2); // a probe that went
      assertEquals(List.of(), log.of(PeerConnections.class.getName()));
      peers.ended(new InetSocketAddress(a, 40003), a, timeout);
      assertEquals(1, log.of(PeerConnections.class.getName()).size());
      assertEquals(0, peers.open(a));
    }
  }

  @Test
  void anIdleConnectionIsClosedAndCallsAndWatchesGoOn() throws Exception {
    try (LogCapture log = new LogCapture();
         TestServer s = server(ConnectOptions.builder()
             .maxConnectionIdle(Duration.ofSeconds(1)).build());
         RawHttp2 idle = new RawHttp2(s.server().port())) {
      assertEquals("tiny", describe(s.channel()));
      // A health Watch is a call open: its connection is not idle however long it lasts.
      AtomicInteger heard = new AtomicInteger();
      CompletableFuture<Throwable> ended = QuietConnectionsTest.watch(
          s.channel(InsecureChannelCredentials.create()), heard);
      // grpc closes it with GOAWAY and a PING, then at the answer (closedWithin answers it).
      assertTrue(idle.closedWithin(30_000), "a connection without calls is closed");
      assertFalse(ended.isDone(), "the Watch goes on: " + ended.getNow(null));
      assertTrue(heard.get() >= 1);
      // The channel whose connection went idle reconnects for its next call.
      assertEquals("tiny", describe(s.channel()));
      log.assertNoTraces();
      assertTrue(log.records().stream().noneMatch(r -> r.getLevel().intValue()
          >= Level.WARNING.intValue()), log.records().stream().filter(r -> r.getLevel()
          .intValue() >= Level.WARNING.intValue()).map(LogCapture::line).toList().toString());
    }
  }
}
