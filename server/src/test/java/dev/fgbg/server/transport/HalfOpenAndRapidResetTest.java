package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.FgbgApplication;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Context;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Peers that hold the server's connections or threads without calls, over real Netty on
 * loopback: sockets that send half the HTTP/2 preface are closed after --handshake-timeout
 * (not grpc's 120 s), so they hold the client's --max-connections-per-client places only that
 * long; a connection that resets calls as fast as it opens them (rapid reset) gets GOAWAY,
 * while a client cancelling its calls as a trainer does is served on.
 */
class HalfOpenAndRapidResetTest {
  private static final String DESCRIBE = "/fgbg.v1.Fgbg/Describe";

  private static String describe(ManagedChannel c) {
    return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  @Test
  void halfOpenSocketsAreClosedAfterTheHandshakeTimeoutAndClientsConnectAgain()
      throws Exception {
    List<Socket> held = new ArrayList<>();
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
             .window(2).connect(ConnectOptions.builder().maxConnectionsPerClient(4)
                 .handshakeTimeout(Duration.ofSeconds(1)).build()).build())) {
      int port = s.server().port();
      long start = System.nanoTime();
      for (int k = 0; k < 4; k++) {
        Socket h = new Socket("127.0.0.1", port);
        OutputStream out = h.getOutputStream();
        out.write(Arrays.copyOf(RawHttp2.PREFACE, 10)); // then nothing
        out.flush();
        held.add(h);
        h.setSoTimeout(10_000);
        // The server's SETTINGS: it has counted this one (not the client's connection).
        assertTrue(h.getInputStream().read() >= 0);
      }
      // The 4 places are taken, but by connections never served: a client that connects
      // closes the oldest and is served while the others are held.
      assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create())));
      for (Socket h : held) {
        h.getInputStream().readAllBytes(); // the rest of the SETTINGS, then the close
        assertEquals(-1, h.getInputStream().read(), "the server closes a half-open socket");
      }
      long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(closedAfter < 5_000, "closed after the 1 s timeout, not 120 s: " + closedAfter);
      // The places are given back as the server closes them: a new client is served.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String name = null;
      while (name == null && System.nanoTime() < until) {
        try {
          name = describe(s.channel(InsecureChannelCredentials.create()));
        } catch (StatusRuntimeException notYet) {
          Thread.sleep(100); // the close listener has not yet given the place back
        }
      }
      assertEquals("tiny", name);
      s.close();
      log.assertNoTraces();
      List<String> lines = log.of(PeerConnections.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).toList();
      assertEquals(1, lines.size(), "one line for the 4, then a count a minute: " + lines);
      assertEquals("closed a connection from 127.0.0.1 that did not finish its handshake "
          + "(HTTP/2 preface and SETTINGS, after TLS if any) within --handshake-timeout 1s "
          + "(later ones are counted and logged at most once a minute)", lines.get(0));
    } finally {
      for (Socket h : held) {
        h.close();
      }
    }
  }

  @Test
  void rapidResetGetsGoawayWhileAClientCancellingItsCallsIsServed() throws Exception {
    Logger faults = Logger.getLogger(TransportFaults.class.getName());
    Level was = faults.getLevel();
    faults.setLevel(Level.FINE);
    try (LogCapture log = new LogCapture();
         TestServer s = TestServer.netty(TestDatasets.registry(), 1)) {
      // A client that starts and cancels 400 long calls (health Watches) in a burst.
      ManagedChannel c = s.channel(InsecureChannelCredentials.create());
      assertEquals("tiny", describe(c));
      for (int k = 0; k < 400; k++) {
        Context.CancellableContext call = Context.current().withCancellation();
        CountDownLatch heard = new CountDownLatch(1);
        call.run(() -> HealthGrpc.newStub(c).watch(HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse r) {
                heard.countDown();
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            }));
        assertTrue(heard.await(30, TimeUnit.SECONDS), "the Watch started");
        call.cancel(null); // RST_STREAM
      }
      assertEquals("tiny", describe(c));
      // A peer that opens and resets calls as fast as it can.
      try (RawHttp2 raw = new RawHttp2(s.server().port())) {
        var goaway = raw.goaway();
        try {
          for (int k = 0; k < 5000 && !goaway.isDone(); k++) {
            raw.call(1 + 2 * k, DESCRIBE, "x-a", 1);
            raw.reset(1 + 2 * k);
          }
        } catch (IOException closed) {
          // the server closed the connection as we wrote
        }
        assertEquals(11, goaway.get(30, TimeUnit.SECONDS), "GOAWAY ENHANCE_YOUR_CALM");
      }
      assertEquals("tiny", describe(c));
      s.close();
      log.assertNoTraces();
      List<String> loud = log.records().stream().filter(r -> r.getLevel().intValue()
          >= Level.INFO.intValue() && !FgbgApplication.class.getName().equals(r.getLoggerName())
          && !TransportFaults.class.getName().equals(r.getLoggerName()))
          .map(LogCapture::line).toList();
      assertEquals(List.of(), loud, "neither the cancels nor the resets are grpc's lines");
      List<String> fine = log.of(TransportFaults.class.getName()).stream()
          .filter(r -> r.getLevel() == Level.FINE).map(LogRecord::getMessage).toList();
      assertEquals(List.of("connection from 127.0.0.1 dropped: it reset calls faster than 1000 "
          + "in 10 s (rapid reset; sent GOAWAY ENHANCE_YOUR_CALM)"), fine);
    } finally {
      faults.setLevel(was);
    }
  }
}
