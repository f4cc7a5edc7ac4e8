package dev.fgbg.server.admission;

import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.options.ServerOptions;
import dev.fgbg.server.observe.StreamCounts;
import dev.fgbg.server.rpc.StreamStats;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.server.LogCapture;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.DescribeRequest;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.Output;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Load and bad clients against the real Netty server on loopback: many streams at once, slow
 * readers, per-client caps. Memory is asserted on the budget's own accounting and on the heap.
 */
@ExtendWith(LogCapture.Clean.class)
class LoadSuiteTest {
  private static final Duration LONG = Duration.ofSeconds(90);

  private static ServerOptions options(int workers, int window, LoadOptions load) {
    return TestServer.options(workers).window(window).load(load).build();
  }

  /** The built-in dataset, one sample (a 50 KB mask) per message, endless for these tests. */
  private static StreamEpochRequest masks(int epoch) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(epoch)
        .setShuffle(true).setBatchSize(1).addOutputs(Output.OUTPUT_MASK).build();
  }

  @Test
  void aThousandStreamsAtOnceAreRefusedOrServedWithinTheBudgetAndDescribeStaysFast()
      throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(2L << 20).maxStreams(200)
        .maxStreamsPerClient(1000).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), options(2, 4, load));
        LoopbackClient bulk = new LoopbackClient(s.server().port());
        LoopbackClient prober = new LoopbackClient(s.server().port())) {
      // Another client, on its own connection, describes throughout.
      ManagedChannel other = prober.channel();
      FgbgGrpc.newBlockingStub(other).withDeadlineAfter(30, TimeUnit.SECONDS)
          .describe(DescribeRequest.newBuilder().setDataset("builtin").build()); // connected
      AtomicLong describes = new AtomicLong();
      AtomicReference<Throwable> slow = new AtomicReference<>();
      ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();
      probes.scheduleWithFixedDelay(() -> {
        try {
          FgbgGrpc.newBlockingStub(other).withDeadlineAfter(1, TimeUnit.SECONDS)
              .describe(DescribeRequest.newBuilder().setDataset("builtin").build());
          describes.incrementAndGet();
        } catch (RuntimeException e) {
          slow.compareAndSet(null, e);
        }
      }, 0, 20, TimeUnit.MILLISECONDS);

      List<StreamReader> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        calls.add(new StreamReader(bulk.channel(), masks(i), -1, 3, LONG));
      }
      for (StreamReader r : calls) {
        assertTrue(StreamReader.await(r.first, LONG), "every call is answered or refused");
      }
      List<StreamReader> served = new ArrayList<>();
      for (StreamReader r : calls) {
        if (r.closed.getCount() == 0) {
          assertEquals(Status.Code.RESOURCE_EXHAUSTED, r.status.getCode(), r.status.toString());
          // Where this client's streams have waited a second or more for it to read (a slow
          // machine: one core took longer than that to open the thousand), the refusal says so.
          String why = r.status.getDescription();
          String cap = "200 streams are open, the most the server allows (--max-streams = 200);"
              + " try again when one ends";
          assertTrue(why.equals(cap) || why.startsWith(cap + "; ") && why.contains(" of "
              + "127.0.0.1's open streams ") && why.contains(" not been read for "), why);
        } else {
          served.add(r);
        }
      }
      assertEquals(200, served.size(), "no stream ends before the test cancels it");
      for (StreamReader r : served) {
        assertTrue(StreamReader.await(r.enough, LONG), "every admitted stream is served");
        assertEquals(1, r.closed.getCount(), "still open: " + r.status);
      }
      assertTrue(s.server().budget().peak() <= s.server().budget().capacity());
      assertTrue(s.server().stats().snapshot().budgetWaits() > 0,
          "the budget was what held streams back");

      served.forEach(StreamReader::cancel);
      StreamStats stats = s.server().stats();
      assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() == 200, LONG));
      assertTrue(stats.await(() -> s.server().budget().used() == 0, LONG),
          "every byte came back");
      assertEquals(0, s.server().streams().count());
      probes.shutdown();
      assertTrue(probes.awaitTermination(10, TimeUnit.SECONDS));
      assertEquals(null, slow.get(), "describe answered within 1 s throughout");
      assertTrue(describes.get() > 0);
    }
  }

  @Test
  void aClientPastItsStreamCapIsRefusedNamingItAndTheLimit() throws Exception {
    LoadOptions load = LoadOptions.builder().maxStreamsPerClient(3).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), options(1, 2, load))) {
      List<StreamReader> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(new StreamReader(s.channel(), masks(i), 1, 1, LONG));
      }
      for (StreamReader r : open) {
        assertTrue(StreamReader.await(r.first, LONG));
      }
      StreamReader fourth = new StreamReader(s.channel(), masks(9), 1, 1, LONG);
      assertTrue(StreamReader.await(fourth.closed, LONG));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, fourth.status.getCode());
      String m = fourth.status.getDescription();
      assertTrue(m.matches("client 127\\.0\\.0\\.1 has 3 streams open, the"
          + " most one client may have \\(--max-streams-per-client = 3\\)"), m);
      open.get(0).cancel();
      StreamStats stats = s.server().stats();
      assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() == 1, LONG));
      StreamReader again = new StreamReader(s.channel(), masks(10), 1, 1, LONG);
      assertTrue(StreamReader.await(again.first, LONG));
      assertEquals(1, again.messages.get(), "a slot freed by a cancel is taken again");
    }
  }

  @Test
  void eightSlowReadersKeepMemoryBounded() throws Exception {
    long budgetBytes = 48L << 20;
    // Each stream may render 32 pieces (~4 MB each) ahead: 1 GB for eight without the budget.
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(budgetBytes).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), options(2, 32, load))) {
      StreamEpochRequest epoch = StreamEpochRequest.newBuilder().setDataset("builtin")
          .setBatchSize(64).build();
      // Warm the resampled-foreground cache for the samples the readers will get, so that the
      // heap's growth below is what the streams hold.
      StreamReader warm = new StreamReader(s.channel(), epoch.toBuilder().setLimit(1024).build(),
          -1, Integer.MAX_VALUE, LONG);
      assertTrue(StreamReader.await(warm.closed, LONG));
      assertEquals(Status.Code.OK, warm.status.getCode());
      MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
      heap.gc();
      long baseline = heap.getHeapMemoryUsage().getUsed();

      // Each reader reads 240 messages, then stalls: past the 64 MB a transport may take
      // unread (214 one-sample messages), its pieces double with each message read, so its
      // stream renders far ahead.
      StreamStats stats = s.server().stats();
      long ranInto = ranInto(stats.snapshot());
      List<StreamReader> readers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        readers.add(new StreamReader(s.channel(), epoch, 240, 240, LONG));
      }
      for (StreamReader r : readers) {
        assertTrue(StreamReader.await(r.enough, LONG));
      }
      assertTrue(stats.await(() -> ranInto(stats.snapshot()) > ranInto, LONG),
          "the streams ran into the budget");
      heap.gc();
      long grown = heap.getHeapMemoryUsage().getUsed() - baseline;
      assertTrue(s.server().budget().peak() <= budgetBytes, "everything rendered was charged");
      // The budget, plus the messages the client took and the transport's heap share.
      assertTrue(grown <= budgetBytes + (64L << 20), "heap grew by " + (grown >> 20) + " MiB");
      for (StreamReader r : readers) {
        assertEquals(240, r.messages.get(), "the readers stalled");
        r.cancel();
      }
      assertTrue(stats.await(() -> stats.snapshot().streamsCancelled() == 8, LONG));
      assertTrue(stats.await(() -> s.server().budget().used() == 0, LONG),
          "every byte came back");
    }
  }

  /** Times streams ran into the budget: held back, or waited with nothing rendered. */
  private static long ranInto(StreamCounts c) {
    return c.budgetHoldBacks() + c.budgetWaits();
  }
}
