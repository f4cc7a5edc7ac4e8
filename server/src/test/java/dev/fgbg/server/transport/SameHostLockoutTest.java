package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer on the same address as a good client (every local process is 127.0.0.1) holding more
 * sockets than --max-connections-per-client, over real Netty on loopback with tokens: silent
 * TCP sockets, or connections whose calls are all refused UNAUTHENTICATED or are health Checks,
 * never hold a place against a client whose calls pass authentication: the newcomer closes the
 * oldest such connection, is served, and is not closed for the peer's sockets that follow. A
 * burst of silent sockets closes its own, not a client's new connection nor a proxy's Watch; a
 * connection with nothing against it is left for {@link QuietConnections#GRACE}.
 */
class SameHostLockoutTest {
  private static final String SECRET = "9f2c0e7d4b1a6385f0e2";
  private static final int CAP = 16;
  private static final int HELD = CAP + 6;

  @TempDir
  Path dir;

  private TestServer serve() throws Exception {
    return serve(ConnectOptions.DEFAULT_HANDSHAKE_TIMEOUT, System::nanoTime);
  }

  private TestServer serve(Duration handshakeTimeout, Ticker ticker) throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice:" + SECRET + "\n", StandardCharsets.UTF_8);
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2).ticker(ticker)
        .connect(ConnectOptions.builder().tokenFile(tokens).maxConnectionsPerClient(CAP)
            .handshakeTimeout(handshakeTimeout).build()).build());
  }

  @Test
  void silentSocketsOverTheCapDoNotLockOutAClientWithAToken() throws Exception {
    List<Socket> held = new ArrayList<>();
    // A handshake timeout far past the reads below: only the newcomers can close the sockets.
    try (TestServer s = serve(Duration.ofMinutes(5), System::nanoTime)) {
      for (int k = 0; k < HELD; k++) {
        held.add(new Socket("127.0.0.1", s.server().port())); // and nothing sent
      }
      ManagedChannel good = s.channel(InsecureChannelCredentials.create());
      assertEquals("tiny", describe(good, SECRET));
      // More of the peer's sockets: each closes another of the peer's, not the client's.
      for (int k = 0; k < HELD; k++) {
        held.add(new Socket("127.0.0.1", s.server().port()));
      }
      for (Socket h : held.subList(0, HELD)) {
        h.setSoTimeout(2_000);
        h.getInputStream().readAllBytes(); // the server's SETTINGS, then its close
        assertEquals(-1, h.getInputStream().read(), "the peer's older sockets are closed");
      }
      assertEquals(ConnectivityState.READY, good.getState(false), "the client's stays open");
      assertEquals("tiny", describe(good, SECRET));
    } finally {
      for (Socket h : held) {
        h.close();
      }
    }
  }

  @Test
  void connectionsWhoseCallsAreRefusedOrHealthDoNotLockOutAClientWithAToken()
      throws Exception {
    List<ManagedChannel> peer = new ArrayList<>();
    try (TestServer s = serve()) {
      for (int k = 0; k < CAP; k++) {
        ManagedChannel c = s.channel(InsecureChannelCredentials.create());
        peer.add(c);
        if (k % 2 == 0) {
          StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
              () -> describe(c, "not-a-token-at-all"));
          assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        } else {
          HealthGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance());
        }
      }
      assertTrue(peer.stream().allMatch(c -> c.getState(false) == ConnectivityState.READY));
      ManagedChannel good = s.channel(InsecureChannelCredentials.create());
      assertEquals("tiny", describe(good, SECRET), "served, not reset");
      assertEquals("tiny", describe(good, SECRET));
    }
  }

  @Test
  void aBurstOfSocketsClosesItsOwnNotAClientsNewConnectionNorAProxysWatch() throws Exception {
    // The server's ticker, a nanosecond a read: connections are told apart by age, and none
    // reaches the grace.
    AtomicLong now = new AtomicLong();
    List<Socket> held = new ArrayList<>();
    // A handshake timeout past the test: only the evictions close the silent sockets.
    try (TestServer s = serve(Duration.ofMinutes(5), now::incrementAndGet)) {
      AtomicInteger heard = new AtomicInteger();
      CompletableFuture<Throwable> watch = QuietConnectionsTest.watch(
          s.channel(InsecureChannelCredentials.create()), heard);
      Polls.await(() -> heard.get() == 1, "the proxy's Watch open", Duration.ofSeconds(30));
      // A client's new connection: its handshake done (a Check answered), no call yet.
      ManagedChannel good = s.channel(InsecureChannelCredentials.create());
      check(good);
      for (int k = 0; k < 2 * CAP; k++) {
        held.add(new Socket("127.0.0.1", s.server().port())); // and nothing sent
      }
      // The burst past the cap closes CAP + 2 of its own sockets, the oldest; which ones hangs
      // on the order the event loops accepted them in, so the closes are counted.
      AtomicInteger closed = new AtomicInteger();
      for (Socket h : held) {
        Thread reader = new Thread(() -> {
          try {
            h.getInputStream().readAllBytes(); // the server's SETTINGS, then its close
          } catch (IOException e) {
            // a reset closes it as well
          }
          closed.incrementAndGet();
        });
        reader.setDaemon(true);
        reader.start();
      }
      Polls.await(() -> closed.get() >= CAP + 2, "the burst's oldest sockets closed",
          Duration.ofSeconds(30));
      assertEquals(false, watch.isDone(), "the proxy's Watch goes on");
      assertEquals(ConnectivityState.READY, good.getState(false), "the client's stays open");
      assertEquals("tiny", describe(good, SECRET));
    } finally {
      for (Socket h : held) {
        h.close();
      }
    }
  }

  @Test
  void aConnectionWithoutEvidenceIsLeftForTheGraceThenClosedForANewcomer() throws Exception {
    AtomicLong now = new AtomicLong();
    try (TestServer s = serve(ConnectOptions.DEFAULT_HANDSHAKE_TIMEOUT, now::get)) {
      for (int k = 0; k < CAP; k++) {
        check(s.channel(InsecureChannelCredentials.create())); // handshaken, never served
      }
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> describe(s.channel(InsecureChannelCredentials.create()), SECRET));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), "none closed: refused");
      now.addAndGet(QuietConnections.GRACE.plusMillis(1).toNanos());
      assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create()), SECRET),
          "past the grace, the oldest never served is closed for it");
    }
  }

  private static void check(ManagedChannel c) {
    HealthGrpc.newBlockingStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  private static String describe(ManagedChannel c, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    Channel with = ClientInterceptors.intercept(c,
        MetadataUtils.newAttachHeadersInterceptor(headers));
    return FgbgGrpc.newBlockingStub(with).withDeadlineAfter(30, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }
}
