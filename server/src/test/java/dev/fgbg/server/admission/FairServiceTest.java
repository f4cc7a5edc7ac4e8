package dev.fgbg.server.admission;

import dev.fgbg.server.CallOutcome;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.server.transport.AccessTokens;
import dev.fgbg.server.transport.Authenticator;
import dev.fgbg.server.transport.ConnectOptions;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.ExportFormat;
import dev.fgbg.v1.ExportProgress;
import dev.fgbg.v1.ExportRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StatsRequest;
import dev.fgbg.v1.StatsResponse;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Fair service on the real Netty server: equal trainers get equal shares, heavy requests are
 * admitted, queued or refused and cannot starve a stream, and a queued request whose deadline
 * passes never runs.
 */
@ExtendWith(LogCapture.Clean.class)
class FairServiceTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  private static final String HOG = "hog-0123456789abcdef";
  private static final String OTHER = "other-fedcba9876543210";

  private static TestServer server(int workers, LoadOptions load) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(workers).load(load)
        .build());
  }

  private static StreamEpochRequest.Builder builtin(int epoch) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(epoch)
        .setShuffle(true).setBatchSize(64);
  }

  private static CallOutcome<StatsResponse> stats(FgbgGrpc.FgbgStub stub, long seed, long end,
      Duration deadline, CountDownLatch closes) {
    StatsRequest r = StatsRequest.newBuilder().setDataset("builtin").setSeed(seed).setEnd(end)
        .build();
    return CallOutcome.start(o -> stub.withDeadlineAfter(deadline.toMillis(),
        TimeUnit.MILLISECONDS).stats(r, o), closes);
  }

  private static CallOutcome<StatsResponse> stats(FgbgGrpc.FgbgStub stub, long seed, long end,
      Duration deadline) {
    return stats(stub, seed, end, deadline, new CountDownLatch(0));
  }

  @Test
  void fourEqualTrainersGetEqualShares() throws Exception {
    try (TestServer s = server(1, LoadOptions.builder().build())) {
      List<LoopbackClient> clients = new ArrayList<>();
      List<StreamReader> trainers = new ArrayList<>();
      try {
        for (int t = 0; t < 4; t++) {
          LoopbackClient c = new LoopbackClient(s.server().port());
          clients.add(c);
          // In order (not shuffled): the resampled-foreground cache warms within a few batches.
          trainers.add(new StreamReader(c.channel(), builtin(t).setShuffle(false).build(), -1, 1,
              LONG));
        }
        for (StreamReader r : trainers) {
          assertTrue(StreamReader.await(r.first, LONG));
        }
        long[] before = trainers.stream().mapToLong(r -> r.samples.get()).toArray();
        StreamStats stats = s.server().stats();
        // Long enough that the clients' own scheduling on a loaded machine averages out.
        long target = stats.snapshot().samplesSent() + 4 * 3000;
        assertTrue(stats.await(() -> stats.snapshot().samplesSent() >= target, LONG));
        long[] got = new long[4];
        long total = 0;
        for (int t = 0; t < 4; t++) {
          got[t] = trainers.get(t).samples.get() - before[t];
          total += got[t];
        }
        for (int t = 0; t < 4; t++) {
          double share = got[t] / (double) total;
          assertTrue(share >= 0.8 / 4 && share <= 1.2 / 4, String.format(Locale.ROOT,
              "trainer %d got %.3f of %d samples", t, share, total));
        }
        trainers.forEach(StreamReader::cancel);
      } finally {
        for (LoopbackClient c : clients) {
          c.close();
        }
      }
    }
  }

  /** A server whose clients are the tokens hog and other (one host, two clients). */
  private static TestServer twoClients(int workers, LoadOptions load) {
    AccessTokens tokens = AccessTokens.parse(List.of("hog:" + HOG + " export", "other:" + OTHER),
        "test tokens");
    return TestServer.netty(TestDatasets.registry(), TestServer.options(workers).load(load)
        .connect(ConnectOptions.builder().tokens(tokens).build()).build());
  }

  /** The value once it has not changed for 300 ms. */
  private static int settled(IntSupplier value) throws InterruptedException {
    int last = value.getAsInt();
    long since = System.nanoTime();
    while (System.nanoTime() - since < 300_000_000L) {
      Thread.sleep(10);
      int now = value.getAsInt();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
    return last;
  }

  private static boolean until(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + LONG.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  private static Channel as(Channel c, String token) {
    Metadata headers = new Metadata();
    headers.put(Authenticator.AUTHORIZATION, "Bearer " + token);
    return ClientInterceptors.intercept(c, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void heavyStatsAndExportsAreAdmittedOrRefusedAndDoNotStarveAStream() throws Exception {
    LoadOptions load = LoadOptions.builder().maxStats(2).statsQueue(2).maxExports(1)
        .exportQueue(0).build();
    try (TestServer s = twoClients(2, load);
        LoopbackClient heavy = new LoopbackClient(s.server().port());
        LoopbackClient trainer = new LoopbackClient(s.server().port())) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(as(heavy.channel(), HOG));
      FgbgGrpc.FgbgStub second = FgbgGrpc.newStub(as(heavy.channel(), OTHER));
      // Each client may hold 2 of the 4 places: three each, the last of each refused for its
      // share. Alone, the hog runs on both places; the other runs its first beside them.
      CountDownLatch hogRefused = new CountDownLatch(1);
      CountDownLatch otherRefused = new CountDownLatch(1);
      List<CallOutcome<StatsResponse>> stats = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        stats.add(stats(stub, 100 + i, 0, LONG, hogRefused)); // 400,000 samples each, new seeds
      }
      assertTrue(hogRefused.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      for (int i = 3; i < 6; i++) {
        stats.add(stats(second, 100 + i, 0, LONG, otherRefused));
      }
      CountDownLatch exportRefusal = new CountDownLatch(1);
      List<CallOutcome<ExportProgress>> exports = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        // 20,000 samples: heavy, yet within the free-space check (an estimated 6.1 GB).
        ExportRequest r = ExportRequest.newBuilder().setDataset("builtin").setEnd(20_000)
            .setFormat(ExportFormat.EXPORT_FORMAT_FOLDERS).setDestination("heavy" + i).build();
        exports.add(CallOutcome.start(o -> stub.withDeadlineAfter(LONG.toMillis(),
            TimeUnit.MILLISECONDS).export(r, o), exportRefusal));
      }
      StreamStats counters = s.server().stats();
      assertTrue(counters.await(() -> counters.snapshot().admittedStarts() == 4, LONG),
          "three Stats and one export run");
      assertTrue(otherRefused.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      assertTrue(exportRefusal.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      List<String> refusedStats = new ArrayList<>();
      for (CallOutcome<StatsResponse> o : stats) {
        if (o.isClosed()) {
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, o.status.getCode());
          refusedStats.add(o.status.getDescription());
        }
      }
      assertEquals(List.of("client token hog has 2 Stats requests running or queued, the most"
          + " one client may have (half of --max-stats + --stats-queue = 2, so that other clients"
          + " find room); try again when one ends", "client token other has 2 Stats requests"
          + " running or queued, the most one client may have (half of --max-stats +"
          + " --stats-queue = 2, so that other clients find room); try again when one ends"),
          refusedStats);
      CallOutcome<ExportProgress> refusedExport = exports.get(0).isClosed() ? exports.get(0)
          : exports.get(1);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refusedExport.status.getCode());
      assertEquals("too many exports: 1 running and 0 queued, the most allowed (--max-exports"
          + " = 1, --export-queue = 0); try again later", refusedExport.status.getDescription());

      // A trainer's 640 samples arrive while the heavy requests are still at work.
      StreamReader stream = new StreamReader(as(trainer.channel(), OTHER),
          builtin(7).setLimit(640).build(),
          -1, 10, LONG);
      assertTrue(StreamReader.await(stream.closed, LONG));
      assertEquals(Status.Code.OK, stream.status.getCode());
      assertEquals(640, stream.samples.get());
      assertEquals(4, stats.stream().filter(o -> !o.isClosed()).count(),
          "the four admitted or queued Stats are still computing");
      assertFalse(exports.get(0).isClosed() && exports.get(1).isClosed(),
          "the export is still writing");
      stats.forEach(CallOutcome::cancel);
      exports.forEach(CallOutcome::cancel);
    }
  }

  @Test
  void manyGetSamplesCallsFromOneClientWeighAsOneStream() throws Exception {
    try (TestServer s = server(1, LoadOptions.builder().build());
        LoopbackClient random = new LoopbackClient(s.server().port());
        LoopbackClient trainer = new LoopbackClient(s.server().port())) {
      // The one render thread is held until every call and the stream's first pieces are
      // queued, so the share each gets depends on the scheduler, not on who connected first.
      CountDownLatch gate = new CountDownLatch(1);
      s.server().scheduler().lane("gate").execute(() -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      List<String> order = new CopyOnWriteArrayList<>();
      StreamStats stats = s.server().stats();
      stats.onRender((method, nanos) -> order.add(method));
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(random.channel());
      List<CallOutcome<SampleBatch>> gets = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin")
            .setSeed(i);
        for (int k = 0; k < 13; k++) {
          r.addIndices(1000L * k + i);
        }
        gets.add(CallOutcome.start(o -> stub.withDeadlineAfter(LONG.toMillis(),
            TimeUnit.MILLISECONDS).getSamples(r.build(), o)));
      }
      // Calls beyond the connection's share of the memory budget wait outside the scheduler.
      // Settled only once they come: a first call may take longer than the settling time to
      // connect and reach the server.
      assertTrue(until(() -> s.server().scheduler().queued() >= 24),
          () -> "only " + s.server().scheduler().queued() + " calls queued");
      int calls = settled(() -> s.server().scheduler().queued());
      StreamReader stream = new StreamReader(trainer.channel(), builtin(9).setLimit(128).build(),
          -1, 1, LONG);
      assertTrue(stats.await(() -> stats.snapshot().streamsStarted() == 1, LONG),
          "the stream started");
      int queued = settled(() -> s.server().scheduler().queued());
      assertTrue(queued > calls, "the stream's first pieces queued: " + queued + " tasks, "
          + calls + " of them GetSamples renders");
      gate.countDown();
      // Whom the worker serves first once it is free: as one share, the calls get one render
      // and then the stream its turn; had each call weighed as much as the stream, the stream
      // would wait behind nearly all the queued renders. (How many renders the calls get in
      // all while the stream lasts depends on how often its client leaves it with nothing to
      // render, which is the machine's speed, not the scheduler.)
      assertTrue(StreamReader.await(stream.closed, LONG));
      assertEquals(Status.Code.OK, stream.status.getCode());
      int first = order.indexOf("StreamEpoch");
      assertTrue(first >= 0 && first <= 1, first + " GetSamples renders ran before the stream's"
          + " first piece: " + order.subList(0, Math.min(order.size(), 40)));
      for (CallOutcome<SampleBatch> g : gets) {
        assertTrue(g.await(LONG));
        assertEquals(Status.Code.OK, g.status.getCode(), g.status.toString());
        assertEquals(13, g.last.getIndicesCount());
      }
    }
  }

  @Test
  void oneClientsBurstOfStatsLeavesRoomForAnotherWhoseRequestRunsAtOnce() throws Exception {
    // Half of 2 + 4 places: the hog holds three, and is refused its fourth; alone, it runs on
    // both places and queues its third; the other, within its half of the running places, runs
    // at once beside the borrowed one.
    LoadOptions load = LoadOptions.builder().maxStats(2).statsQueue(4).build();
    try (TestServer s = twoClients(2, load)) {
      FgbgGrpc.FgbgStub hog = FgbgGrpc.newStub(as(s.channel(), HOG));
      StreamStats counters = s.server().stats();
      List<CallOutcome<StatsResponse>> burst = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        burst.add(stats(hog, 200 + i, 0, LONG)); // the whole dataset each, one by one
        int started = Math.min(i + 1, 2);
        int queued = i + 1 - started;
        assertTrue(until(() -> counters.snapshot().admittedStarts() == started
            && s.server().statsAdmission().queued() == queued));
      }
      CallOutcome<StatsResponse> fourth = stats(hog, 203, 0, LONG);
      assertTrue(fourth.await(LONG));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, fourth.status.getCode());
      assertTrue(fourth.status.getDescription().startsWith("client token hog has 3 Stats "
          + "requests running or queued, the most one client may have (half of --max-stats + "
          + "--stats-queue = 3"), fourth.status.getDescription());
      CallOutcome<StatsResponse> other = stats(FgbgGrpc.newStub(as(s.channel(), OTHER)), 9, 64,
          LONG);
      assertTrue(other.await(LONG));
      assertEquals(Status.Code.OK, other.status.getCode(), other.status.toString());
      assertEquals(64, other.last.getSamples());
      // Had the borrowed place been the other's to wait for, it would wait for one of the
      // hog's whole-dataset Stats to end.
      assertFalse(burst.stream().anyMatch(CallOutcome::isClosed),
          "the other's ran while the hog's three were open");
      burst.forEach(CallOutcome::cancel);
    }
  }

  @Test
  void aQueuedStatsWhoseDeadlinePassesIsDroppedAndNeverRuns() throws Exception {
    try (TestServer s = server(2, LoadOptions.builder().maxStats(1).statsQueue(4).build())) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(s.channel());
      StreamStats counters = s.server().stats();
      CallOutcome<StatsResponse> running = stats(stub, 11, 0, LONG);
      assertTrue(counters.await(() -> counters.snapshot().admittedStarts() == 1, LONG));
      CallOutcome<StatsResponse> expiring = stats(stub, 12, 64, Duration.ofMillis(300));
      assertTrue(expiring.await(LONG));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, expiring.status.getCode());
      assertTrue(counters.await(() -> counters.snapshot().queueDrops() == 1, LONG),
          "the server dropped it from the queue");
      running.cancel();
      CallOutcome<StatsResponse> next = stats(stub, 13, 64, LONG);
      assertTrue(next.await(LONG));
      assertEquals(Status.Code.OK, next.status.getCode());
      assertEquals(64, next.last.getSamples());
      assertEquals(2, counters.snapshot().admittedStarts(), "the expired request never ran");
      assertEquals(2, s.server().statsAdmission().admitted());
    }
  }
}
