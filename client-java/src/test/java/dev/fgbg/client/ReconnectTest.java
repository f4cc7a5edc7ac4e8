package dev.fgbg.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.common.SampleDigest;
import dev.fgbg.core.LogLines;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The reconnect window ({@link FgbgReplicas#withReconnect}): a stream whose only server is killed
 * and started again on the same port resumes exactly; a server back with other data is refused
 * at once; a window that passes says so; a one replica's Describe that lets its deadline pass
 * waits in the window as one that is down does.
 */
class ReconnectTest {
  // 1600 samples of 64x64 on one render thread: a stream is mid-way when its server dies.
  static final List<String> DATA = List.of("--builtin-size", "64", "--builtin-counts", "10:20",
      "--builtin-placements", "4", "--workers", "1");
  private static final long DOWN_MS = 2500; // how long the server is away: a pod's restart

  private static StreamEpochRequest request() {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(4).setEpoch(1)
        .setShuffle(true).setBatchSize(16).build();
  }

  /** Kills {@code server}, and DOWN_MS later starts {@code args} on its port. */
  static CompletableFuture<ServerProcess> restart(ServerProcess server, List<String> args) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        server.kill();
        Thread.sleep(DOWN_MS);
        return new ServerProcess(args, server.port());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void close(CompletableFuture<ServerProcess> later) throws Exception {
    ServerProcess s = later == null ? null : later.get(60, TimeUnit.SECONDS);
    if (s != null) {
      s.close();
    }
  }

  @Test
  void aStreamRidesThroughItsServersRestartWithTheUnbrokenDigest() throws Exception {
    CompletableFuture<ServerProcess> later = null;
    try (ServerProcess server = new ServerProcess(DATA)) {
      SampleDigest unbroken = new SampleDigest();
      try (FgbgClient c = FgbgClient.builder().target(server.target()).build();
           BatchIterator it = c.streamEpoch(request())) {
        it.forEachRemaining(b -> unbroken.add(b.indices(), b.images(), b.masks(), b.depth()));
      }
      SampleDigest resumed = new SampleDigest();
      List<Long> batches = new ArrayList<>();
      // The CLI's tests, in this JVM, quiet the client's loggers to WARNING (as the CLI does).
      Logger client = Logger.getLogger(FailoverBatchIterator.class.getName());
      Level was = client.getLevel();
      client.setLevel(Level.INFO);
      try (LogLines log = LogLines.capture("dev.fgbg.client");
           FgbgReplicas one = FgbgReplicas.connect(server.target())
               .withReconnect(Duration.ofSeconds(30));
           FailoverBatchIterator it = one.streamEpoch(request())) {
        while (it.hasNext()) {
          Batch b = it.next();
          batches.add(b.batchIndex());
          resumed.add(b.indices(), b.images(), b.masks(), b.depth());
          if (batches.size() == 2) {
            later = restart(server, DATA);
          }
        }
        assertTrue(it.failovers() >= 1, "the stream broke and resumed: " + it.failovers());
        assertEquals(List.of("WARNING the fgbg server at " + server.target() + " is not "
            + "answering; trying again for up to 30 s (reconnect window)"), log.lines().stream()
            .filter(l -> l.startsWith("WARNING")).toList(), "once for the restart");
        assertEquals(1, log.containing("is unavailable").size(),
            "the move is said once an outage, not on every try: " + log.lines());
      } finally {
        client.setLevel(was);
      }
      assertEquals(LongStream.range(0, 100).boxed().toList(), batches, "each batch once, in order");
      assertEquals(unbroken.hex(), resumed.hex(), "the unbroken stream's samples");
    } finally {
      close(later);
    }
  }

  @Test
  void pausesAreJitteredByOneRuleAroundADoublingBackOff() {
    assertEquals(List.of(1_000L, 2_000L, 2_980L),
        List.of(ReconnectWindow.pause(2_000, 0), ReconnectWindow.pause(2_000, 0.5),
            ReconnectWindow.pause(2_000, 0.99)));
    StatusRuntimeException down =
        Status.UNAVAILABLE.withDescription("refused").asRuntimeException();
    for (double draw : new double[] {0, 0.5}) {
      List<Long> pauses = new ArrayList<>();
      ReconnectWindow w = new ReconnectWindow(Duration.ofSeconds(60), () -> draw, pauses::add,
          () -> 0L);
      for (int i = 0; i < 6; i++) {
        w.await(down, List.of("a:1"));
      }
      long scale = draw == 0 ? 1 : 2; // the lowest draw: half the back-off; 0.5: the back-off
      assertEquals(LongStream.of(250, 500, 1000, 2000, 2500, 2500)
          .map(ms -> TimeUnit.MILLISECONDS.toNanos(ms * scale)).boxed().toList(), pauses);
    }
    assertEquals(List.of("60 s", "1.5 s", "0.25 s"),
        List.of(ReconnectWindow.words(Duration.ofMinutes(1)),
            ReconnectWindow.words(Duration.ofMillis(1500)),
            ReconnectWindow.words(Duration.ofMillis(250))), "the Python client's words");
  }

  @Test
  void theWindowPassesOnItsTickerAndAnAnswerOpensANewOne() {
    StatusRuntimeException down =
        Status.UNAVAILABLE.withDescription("refused").asRuntimeException();
    long[] now = {0};
    List<Long> pauses = new ArrayList<>();
    // Each pause moves the ticker on by itself: the window's time, without waiting it out.
    ReconnectWindow w = new ReconnectWindow(Duration.ofSeconds(10), () -> 0.5, n -> {
      pauses.add(n);
      now[0] += n;
    }, () -> now[0]);
    for (int i = 0; i < 5; i++) {
      w.await(down, List.of("a:1"));
    }
    // 0.5 + 1 + 2 + 4 s, then the 2.5 s left of the 10 s rather than 5 s.
    assertEquals(LongStream.of(500, 1000, 2000, 4000, 2500)
        .map(TimeUnit.MILLISECONDS::toNanos).boxed().toList(), pauses);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> w.await(down, List.of("a:1")));
    assertEquals("refused (gave up after 10 s of trying)", e.getStatus().getDescription());
    w.close();
    pauses.clear();
    w.await(down, List.of("a:1"));
    assertEquals(List.of(TimeUnit.MILLISECONDS.toNanos(500)), pauses, "a new window");
  }

  @Test
  void aServerBackWithOtherDataIsRefusedAtOnce() throws Exception {
    List<String> other = new ArrayList<>(DATA);
    other.set(other.indexOf("4"), "3"); // placements: another fingerprint (a rolling update)
    CompletableFuture<ServerProcess> later = null;
    try (ServerProcess server = new ServerProcess(DATA);
         FgbgReplicas one = FgbgReplicas.connect(server.target())
             .withReconnect(Duration.ofSeconds(60));
         FailoverBatchIterator it = one.streamEpoch(request())) {
      it.next();
      later = restart(server, other);
      long t0 = System.nanoTime();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> it.forEachRemaining(b -> { }));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getMessage());
      assertTrue(e.getStatus().getDescription().contains("fingerprint"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "not the window");
    } finally {
      close(later);
    }
  }

  @Test
  void aWindowThatPassesSaysHowLongItTriedAndBadWindowsAreRefused() throws Exception {
    String target;
    try (ServerProcess server = new ServerProcess(DATA)) {
      target = server.target();
    } // killed: nothing answers there now
    try (FgbgReplicas one = FgbgReplicas.connect(target).withReconnect(Duration.ofMillis(1500));
         FailoverBatchIterator it = one.streamEpoch(request())) {
      long t0 = System.nanoTime();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      String first = e.getStatus().getDescription().lines().findFirst().orElse("");
      assertTrue(first.endsWith(" (gave up after 1.5 s of trying)"), first);
      assertTrue(ms >= 1500 && ms < 10_000, ms + " ms");
    }
    try (FgbgReplicas one = FgbgReplicas.connect(target)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> one.withReconnect(Duration.ofSeconds(-1)));
      assertTrue(e.getMessage().startsWith("reconnect must be zero (off) or a positive"),
          e.getMessage());
      // Immutable: a window is a new FgbgReplicas over the same clients; this one keeps none.
      assertEquals(Duration.ofSeconds(60),
          one.withReconnect(Duration.ofSeconds(60)).reconnect());
      assertEquals(Duration.ZERO, one.reconnect());
    }
  }

  @Test
  void aSingleHungReplicasDescribeWaitsInTheWindow() throws Exception {
    long[] now = {0};
    List<Long> pauses = new ArrayList<>();
    // Each pause moves the ticker on by itself: the window's time, without waiting it out.
    ReconnectWindow w = new ReconnectWindow(Duration.ofSeconds(4), () -> 0.5, n -> {
      pauses.add(n);
      now[0] += n;
    }, () -> now[0]);
    try (ServerSocket silent = SilentPort.open();
         FgbgReplicas one = FgbgReplicas.connect("127.0.0.1:" + silent.getLocalPort(),
             t -> FgbgClient.builder().target(t).deadline(Duration.ofMillis(300)).build())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> one.fingerprint("builtin", w, () -> false));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.getMessage());
      // 0.5 + 1 + 2 s, then the 0.5 s left of the 4 s: before, it threw at the first deadline.
      assertEquals(LongStream.of(500, 1000, 2000, 500)
          .map(TimeUnit.MILLISECONDS::toNanos).boxed().toList(), pauses);
      assertTrue(e.getStatus().getDescription().endsWith("(gave up after 4 s of trying)"),
          e.getMessage());
    }
  }
}
