package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.stats.Gallery;
import dev.fgbg.core.stats.GalleryGrid;
import dev.fgbg.server.CallOutcome;
import dev.fgbg.server.LogCapture;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GalleryRequest;
import dev.fgbg.v1.GalleryResponse;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Galleries on the real Netty server (a 64-row gallery of 224 px samples is a 50 MB image): they
 * are admitted, charged to the memory budget, and stop when their client goes.
 */
@ExtendWith(LogCapture.Clean.class)
class GalleryLoadTest {
  private static final Duration LONG = Duration.ofSeconds(120);

  private static TestServer server(int workers, LoadOptions load) {
    return TestServer.netty(TestDatasets.registry(), TestServer.options(workers).load(load)
        .build());
  }

  private static CallOutcome<GalleryResponse> gallery(FgbgGrpc.FgbgStub stub, long seed,
      int count, Duration deadline, CountDownLatch closes) {
    GalleryRequest r = GalleryRequest.newBuilder().setDataset("builtin").setSeed(seed)
        .setCount(count).setBackgrounds(true).setInstances(true).build();
    return CallOutcome.start(o -> stub.withDeadlineAfter(deadline.toMillis(),
        TimeUnit.MILLISECONDS).gallery(r, o), closes);
  }

  @Test
  void manyGalleriesFromOneClientAreAdmittedChargedAndLeaveRoomForAnother() throws Exception {
    Dataset d = TestDatasets.builtin();
    long bytes = GalleryGrid.of(d, Gallery.pick(d, 0, 32), true, true).bytes();
    // Room for one gallery at a time: the second admitted waits for the first one's bytes. A
    // client alone runs on every place of --max-galleries 3.
    LoadOptions load = LoadOptions.builder().maxGalleries(3).galleryQueue(1)
        .memoryBudgetBytes(bytes * 3 / 2).build();
    try (TestServer s = server(2, load);
        LoopbackClient heavy = new LoopbackClient(s.server().port());
        LoopbackClient trainer = new LoopbackClient(s.server().port())) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(heavy.channel());
      // One client holds at most half of running + queued (2), or, alone, every running
      // place (3): the other 5 are refused.
      CountDownLatch refusals = new CountDownLatch(5);
      List<CallOutcome<GalleryResponse>> galleries = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        galleries.add(gallery(stub, i, 32, LONG, refusals));
      }
      assertTrue(refusals.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin");
      for (int k = 0; k < 8; k++) {
        r.addIndices(5000L * k);
      }
      CallOutcome<SampleBatch> get = CallOutcome.start(o -> FgbgGrpc.newStub(trainer.channel())
          .withDeadlineAfter(LONG.toMillis(), TimeUnit.MILLISECONDS).getSamples(r.build(), o));
      assertTrue(get.await(LONG));
      assertEquals(Status.Code.OK, get.status.getCode(), get.status.toString());
      assertEquals(8, get.last.getIndicesCount());

      int refused = 0;
      for (CallOutcome<GalleryResponse> g : galleries) {
        assertTrue(g.await(LONG));
        if (g.status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          String why = g.status.getDescription();
          assertTrue(why.startsWith("client ") && why.contains(" has 3 Gallery requests running "
              + "or queued, the most one client may have (half of --max-galleries + "
              + "--gallery-queue = 2"), why);
          refused++;
        } else {
          assertEquals(Status.Code.OK, g.status.getCode(), g.status.toString());
        }
      }
      assertEquals(5, refused);
      // The bytes are those of the gallery drawn directly.
      int seed = 0;
      while (galleries.get(seed).last == null) {
        seed++;
      }
      long[] rows = Gallery.pick(d, seed, 32);
      assertArrayEquals(Gallery.png(Gallery.render(d, seed, rows, true, true)),
          galleries.get(seed).last.getPng().toByteArray());
      MemoryBudget budget = s.server().budget();
      assertTrue(budget.peak() >= bytes, "a gallery held " + budget.peak() + " bytes, not "
          + bytes);
      assertTrue(budget.waits() >= 1, "the galleries never waited for the budget");
      // The GetSamples reply holds its bytes until the transport says its call closed, which
      // may come a moment after the client has it (and after the galleries ended).
      StreamStats stats = s.server().stats();
      assertTrue(stats.await(() -> budget.used() == 0, LONG),
          () -> "every byte given back: " + budget.used() + " still held");
      assertEquals(3, s.server().galleryAdmission().admitted());
    }
  }

  /**
   * CPU time each of the server's threads (its pools, fgbg-*, and gRPC's, grpc-*) has used so
   * far, by thread id: not the JVM's compiler and garbage collector, which on a machine of many
   * cores may well work on for a while after the galleries' bursts of allocation and new code.
   */
  private static Map<Long, Long> serverCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("fgbg-") || t.getName().startsWith("grpc-")) {
        cpu.put(t.getId(), Math.max(0, threads.getThreadCpuTime(t.getId())));
      }
    }
    return cpu;
  }

  @Test
  void galleriesWhoseDeadlinePassesStopUsingTheWorkersSoon() throws Exception {
    try (TestServer s = server(2, LoadOptions.builder().maxGalleries(2).build())) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(s.channel());
      CountDownLatch ended = new CountDownLatch(6);
      for (int i = 0; i < 6; i++) {
        // Each takes seconds of CPU: 64 rows of four 224 px columns, drawn and encoded.
        gallery(stub, 100 + i, 64, Duration.ofMillis(300), ended);
      }
      assertTrue(ended.await(LONG.toMillis(), TimeUnit.MILLISECONDS));
      Admission admission = s.server().galleryAdmission();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while ((admission.running() > 0 || s.server().budget().used() > 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, admission.running(), "a cancelled gallery still holds its permit");
      assertEquals(0, s.server().budget().used(), "a cancelled gallery still holds its bytes");
      s.drainWorkers();
      // Nothing is left rendering, drawing or encoding for the clients that went.
      Map<Long, Long> before = serverCpuNanos();
      Thread.sleep(2000);
      long nanos = 0;
      for (Map.Entry<Long, Long> t : serverCpuNanos().entrySet()) {
        nanos += t.getValue() - before.getOrDefault(t.getKey(), 0L);
      }
      double used = nanos / 1e9;
      assertTrue(used < 0.5, "the server used " + used + " s of CPU after the galleries'"
          + " deadlines had passed");
    }
  }
}
