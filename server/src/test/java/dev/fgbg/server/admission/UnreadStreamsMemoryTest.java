package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Streams whose client stopped reading hold the budget's bytes of the messages stuck in their
 * transport, which dropping what they rendered ahead does not give back: enough of them (a
 * client that took one batch of 256 from each of 22 streams on an 82 MiB budget) held the whole
 * budget, and every other client's GetSamples and stream waited for good. While others wait for
 * memory, a stream not read within the limit is ended (reset, its bytes back), with a WARNING;
 * one whose transport takes its messages, however slowly, is not.
 */
class UnreadStreamsMemoryTest {
  private static final long BUDGET = 4L << 20;
  private static final int STREAMS = 24;
  private static final long LIMIT_MS = 1500;

  @Test
  void aNewcomerIsServedWhileStreamsThatStoppedReadingFillTheBudget() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(BUDGET)
        .unreadReply(Duration.ofMillis(LIMIT_MS)).build();
    List<String> warned = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          synchronized (warned) {
            warned.add(r.getMessage());
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger.getLogger("").addHandler(handler);
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient stopped = new LoopbackClient(s.server().port(), 64 << 10);
        LoopbackClient good = new LoopbackClient(s.server().port())) {
      MemoryBudget budget = s.server().budget();
      List<ClientCall<StreamEpochRequest, SampleBatch>> held = new ArrayList<>();
      for (int i = 0; i < STREAMS; i++) {
        ClientCall<StreamEpochRequest, SampleBatch> call = stopped.channel().newCall(
            FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {}, new Metadata()); // never requests a message
        call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setSeed(i)
            .setBatchSize(64).build());
        call.halfClose();
        held.add(call);
      }
      // Each holds a 224x224 sample with depth (294 KiB) in its transport: 24 of them are
      // more than the budget, so the last ones queue for it.
      assertTrue(UnreadRepliesTest.poll(() -> budget.waiting() > 0, Duration.ofSeconds(60)),
          () -> "the streams fill the budget: " + budget.used() + " bytes held");

      SampleBatch reply = FgbgGrpc.newBlockingStub(good.channel())
          .withDeadlineAfter(60, TimeUnit.SECONDS).getSamples(GetSamplesRequest.newBuilder()
              .setDataset("builtin").addAllIndices(List.of(9000L, 9001L, 9002L, 9003L, 9004L))
              .build()); // 1.4 MiB: a reply under half the budget
      assertEquals(5, reply.getIndicesCount());
      Iterator<SampleBatch> mine = FgbgGrpc.newBlockingStub(good.channel())
          .withDeadlineAfter(60, TimeUnit.SECONDS).streamEpoch(StreamEpochRequest.newBuilder()
              .setDataset("builtin").setStartPosition(9000).setBatchSize(2).setLimit(2).build());
      assertEquals(9000, mine.next().getIndices(0)); // its first piece: one sample
      synchronized (warned) {
        assertTrue(warned.stream().anyMatch(m -> m.startsWith("Ended a stream of client ")
            && m.contains(" while others waited for the server's memory")), () -> "" + warned);
      }
      held.forEach(c -> c.cancel("done", null));
    } finally {
      Logger.getLogger("").removeHandler(handler);
    }
  }

  @Test
  void aStreamReadSlowlyButSteadilyIsNotEndedWhileOthersWaitForMemory() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(BUDGET)
        .unreadReply(Duration.ofMillis(LIMIT_MS)).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient slow = new LoopbackClient(s.server().port(), 64 << 10)) {
      MemoryBudget budget = s.server().budget();
      AtomicInteger read = new AtomicInteger();
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<StreamEpochRequest, SampleBatch> call = slow.channel().newCall(
          FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(SampleBatch m) {
          read.incrementAndGet();
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.complete(status);
        }
      }, new Metadata());
      call.sendMessage(StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(1)
          .build()); // a 294 KiB message each, more than the 64 KiB window takes
      call.halfClose();
      // A trainer that takes one message and works on it for most of the limit, again and
      // again, for several limits, while others are short of memory all along: its stream is
      // never ready for long, but between its reads the transport takes nothing.
      for (int want = 1; want <= 6; want++) {
        call.request(1);
        int n = want;
        assertTrue(UnreadRepliesTest.poll(() -> read.get() >= n || closed.isDone(),
            Duration.ofSeconds(30)), "message " + n + " comes");
        assertFalse(closed.isDone(), () -> "the slow reader was ended: " + closed.join());
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS * 2 / 3);
        while (System.nanoTime() < until) {
          budget.pressure(); // someone is short of memory
          Thread.sleep(20);
        }
      }
      assertFalse(closed.isDone(), () -> "the slow reader was ended: " + closed.join());
      call.cancel("done", null);
    }
  }
}
