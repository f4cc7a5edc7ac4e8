package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.observe.MinuteLines;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A client at --max-connections-per-client whose connections only hold health Watches, over
 * real Netty on loopback: a new connection closes the one quiet for longest (its Watch ends
 * UNAVAILABLE saying why) and is served, as it is when they hold only streams their client does
 * not read, or have no call open at all (told so); connections that keep beginning calls
 * are never closed, and the newcomer is refused as before.
 */
class QuietConnectionsTest {
  private static final int CAP = 8;
  /** The idle timeout, and so how long a connection must be quiet to be closed for another. */
  private static final Duration IDLE = Duration.ofSeconds(2);

  private static TestServer server() {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(1).window(2)
        .connect(ConnectOptions.builder().maxConnectionsPerClient(CAP).maxConnectionIdle(IDLE)
            .build()).build());
  }

  private static String describe(ManagedChannel c) {
    return FgbgGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
        .describe(DescribeRequest.newBuilder().setDataset("tiny").build()).getName();
  }

  /** A health Watch on its own connection: how it ended (null: not yet). */
  static CompletableFuture<Throwable> watch(ManagedChannel c, AtomicInteger heard) {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    HealthGrpc.newStub(c).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse r) {
        heard.incrementAndGet();
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    });
    return ended;
  }

  /** {@code CAP} connections, each with a Watch that has heard its first status. */
  private static List<CompletableFuture<Throwable>> watches(TestServer s,
      List<ManagedChannel> channels) throws InterruptedException {
    AtomicInteger heard = new AtomicInteger();
    List<CompletableFuture<Throwable>> ended = new ArrayList<>();
    for (int k = 0; k < CAP; k++) {
      channels.add(s.channel(InsecureChannelCredentials.create()));
      ended.add(watch(channels.get(k), heard));
    }
    Polls.await(() -> heard.get() == CAP, "first status on every Watch", Duration.ofSeconds(30));
    return ended;
  }

  private static List<String> lines(LogCapture log, Class<?> of) {
    return log.of(of.getName()).stream().map(LogRecord::getMessage).toList();
  }

  @Test
  void aConnectionHoldingOnlyAWatchPastTheIdleTimeIsClosedForANewOne() throws Exception {
    try (LogCapture log = new LogCapture(); TestServer s = server()) {
      List<ManagedChannel> channels = new ArrayList<>();
      List<CompletableFuture<Throwable>> ended = watches(s, channels);
      long quietFrom = System.nanoTime();
      Polls.await(() -> System.nanoTime() - quietFrom > IDLE.toNanos() + 500_000_000L,
          "the idle time passed", IDLE.multipliedBy(3));
      assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create())));
      Polls.await(() -> ended.stream().anyMatch(CompletableFuture::isDone), "Watch ended",
          Duration.ofSeconds(10));
      List<Throwable> ends = ended.stream().filter(CompletableFuture::isDone)
          .map(e -> e.getNow(null)).toList();
      assertEquals(1, ends.size(), "one connection closed for the newcomer: " + ends);
      Status status = Status.fromThrowable(ends.get(0));
      assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
      assertTrue(String.valueOf(status.getDescription()).contains("closed to make room for a "
          + "new connection of client 127.0.0.1 (over --max-connections-per-client 8): this "
          + "connection held only health watches or unread streams, and began no call, for "),
          status.toString());
      List<String> lines = lines(log, QuietConnections.class);
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).startsWith("Closed a connection of 127.0.0.1 that held only "
          + "health watches or unread streams for "), lines.get(0));
      assertEquals(List.of(), lines(log, PeerConnections.class), "nothing refused");
      log.assertNoTraces();
    }
  }

  @Test
  void connectionsThatKeepBeginningCallsAreNeverClosedAndTheNewcomerIsRefused()
      throws Exception {
    try (LogCapture log = new LogCapture(); TestServer s = server()) {
      List<ManagedChannel> channels = new ArrayList<>();
      List<CompletableFuture<Throwable>> ended = watches(s, channels);
      // A busy trainer: every connection begins a call every 100 ms, beside its Watch.
      AtomicBoolean busy = new AtomicBoolean(true);
      AtomicInteger rounds = new AtomicInteger();
      Thread calls = new Thread(() -> {
        while (busy.get()) {
          channels.forEach(QuietConnectionsTest::describe);
          rounds.incrementAndGet();
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      calls.start();
      try {
        long from = System.nanoTime();
        Polls.await(() -> System.nanoTime() - from > IDLE.toNanos() * 2, "busy past the idle time",
            IDLE.multipliedBy(4));
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> describe(s.channel(InsecureChannelCredentials.create())));
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
        assertTrue(rounds.get() > 0);
      } finally {
        busy.set(false);
        calls.join();
      }
      assertFalse(ended.stream().anyMatch(CompletableFuture::isDone), "no Watch ended");
      assertEquals(List.of(), lines(log, QuietConnections.class));
      assertTrue(lines(log, PeerConnections.class).get(0).startsWith("refused a connection from "
          + "127.0.0.1, which has 8 open"), lines(log, PeerConnections.class).toString());
    }
  }

  @Test
  void aConnectionHoldingOnlyAnUnreadStreamPastTheIdleTimeIsClosedForANewOne()
      throws Exception {
    List<LoopbackClient> stuck = new ArrayList<>();
    try (LogCapture log = new LogCapture(); TestServer s = server()) {
      for (int k = 0; k < CAP; k++) {
        stuck.add(new LoopbackClient(s.server().port(), 64 << 10));
        ClientCall<StreamEpochRequest, SampleBatch> call = stuck.get(k).channel().newCall(
            FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() { }, new Metadata()); // never reads a message
        call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(64)
            .build());
        call.halfClose();
      }
      Polls.await(() -> s.server().streams().count("127.0.0.1") == CAP, "every stream open",
          Duration.ofSeconds(30));
      long from = System.nanoTime();
      Polls.await(() -> System.nanoTime() - from > IDLE.toNanos() + 500_000_000L,
          "the idle time passed", IDLE.multipliedBy(3));
      assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create())));
      Polls.await(() -> s.server().streams().count("127.0.0.1") == CAP - 1,
          "the stream of the connection closed ended", Duration.ofSeconds(10));
      List<String> lines = lines(log, QuietConnections.class);
      assertEquals(1, lines.size(), lines.toString());
      assertEquals(List.of(), lines(log, PeerConnections.class), "nothing refused");
    } finally {
      for (LoopbackClient c : stuck) {
        c.release();
        c.close();
      }
    }
  }

  @Test
  void aConnectionWithNoCallOpenPastTheFloorIsClosedForANewOneAndSaysSo() throws Exception {
    // The server's ticker, moved by hand: the floor (30 s under the default idle timeout of
    // 5 min, which would close such a connection itself) passes at once.
    AtomicLong now = new AtomicLong();
    try (LogCapture log = new LogCapture(); TestServer s = TestServer.netty(
        TestDatasets.registry(), TestServer.options(1).window(2).ticker(now::get).connect(
            ConnectOptions.builder().maxConnectionsPerClient(CAP).build()).build())) {
      for (int k = 0; k < CAP; k++) {
        // One call each, over before the next: connected, with no call open.
        assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create())));
      }
      now.addAndGet(QuietConnections.MOST_FLOOR.plusSeconds(1).toNanos());
      assertEquals("tiny", describe(s.channel(InsecureChannelCredentials.create())));
      assertEquals(List.of("Closed a connection of 127.0.0.1 that had no call open for 31 s, to"
          + " make room for a new connection of that client (over --max-connections-per-client"
          + " 8); " + MinuteLines.COUNTED), lines(log, QuietConnections.class));
      assertEquals(List.of(), lines(log, PeerConnections.class), "nothing refused");
      log.assertNoTraces();
    }
  }
}
