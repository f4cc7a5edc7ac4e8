package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.StreamReader;
import dev.fgbg.server.TestServer;
import dev.fgbg.server.rpc.StreamStats;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.GetSamplesRequest;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that are careless rather than hostile, on a real server on loopback: streams left
 * without a cancel, a reader that hardly reads, a burst of GetSamples, a deadline that passes in
 * the budget's queue. Each gets its right status; the server gives back every stream slot and
 * byte, and logs nothing loud.
 */
class CarelessClientsTest {
  private static final Duration LONG = Duration.ofSeconds(90);
  private final List<LogRecord> loud = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
        synchronized (loud) {
          loud.add(r);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    Logger.getLogger("").addHandler(handler);
  }

  @AfterEach
  void quiet() {
    Logger.getLogger("").removeHandler(handler);
    synchronized (loud) {
      assertEquals(List.of(), loud.stream().map(r -> r.getLevel() + " " + r.getMessage() + " "
          + r.getThrown()).toList(), "nothing loud in the log");
    }
  }

  private static StreamEpochRequest builtin(int epoch) {
    return StreamEpochRequest.newBuilder().setDataset("builtin").setEpoch(epoch)
        .setShuffle(true).setBatchSize(64).build();
  }

  private static void holdsNothing(TestServer s) throws InterruptedException {
    StreamStats stats = s.server().stats();
    assertTrue(stats.await(() -> s.server().streams().count() == 0
        && s.server().budget().used() == 0, LONG), () -> "still open: "
        + s.server().streams().count() + " streams, " + s.server().budget().used() + " bytes");
  }

  @Test
  void streamsLeftWithoutACancelAreClosedWhenTheirConnectionGoes() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), 2)) {
      LoopbackClient careless = new LoopbackClient(s.server().port());
      List<StreamReader> left = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        left.add(new StreamReader(careless.channel(), builtin(i), 1, 1, LONG));
      }
      for (StreamReader r : left) {
        assertTrue(StreamReader.await(r.first, LONG));
      }
      assertEquals(20, s.server().streams().count());
      careless.close(); // the process goes away: no cancel, the connection closes
      holdsNothing(s);
    }
  }

  @Test
  void aReaderThatHardlyReadsIsServedAndHoldsLittle() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(64L << 20).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient slow = new LoopbackClient(s.server().port())) {
      StreamReader reader = new StreamReader(slow.channel(), builtin(1), 1, 1, LONG);
      for (int k = 1; k <= 10; k++) {
        assertTrue(reader.awaitMessages(k, LONG)); // one more message only once one arrived
        reader.request(1);
      }
      assertTrue(s.server().budget().used() <= 2L << 20, "a reader that has read little holds"
          + " little: " + s.server().budget().used());
      reader.cancel();
      holdsNothing(s);
    }
  }

  @Test
  void aBurstOfGetSamplesFromOneClientIsAnsweredWithinTheBudget() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(32L << 20).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient burst = new LoopbackClient(s.server().port())) {
      FgbgGrpc.FgbgStub stub = FgbgGrpc.newStub(burst.channel()).withDeadlineAfter(90,
          TimeUnit.SECONDS);
      CountDownLatch done = new CountDownLatch(100);
      AtomicLong ok = new AtomicLong();
      for (int i = 0; i < 100; i++) {
        GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin");
        for (int k = 0; k < 32; k++) {
          r.addIndices(i * 32L + k);
        }
        stub.getSamples(r.build(), new StreamObserver<>() {
          @Override
          public void onNext(SampleBatch b) {
            if (b.getIndicesCount() == 32) {
              ok.incrementAndGet();
            }
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
      }
      assertTrue(StreamReader.await(done, LONG));
      assertEquals(100, ok.get(), "every call was answered");
      assertTrue(s.server().budget().peak() <= 32L << 20);
      holdsNothing(s);
    }
  }

  @Test
  void aDeadlineThatPassesInTheBudgetsQueueEndsTheCallAndLeavesTheQueue() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(4L << 20).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(1)
        .load(load).build())) {
      assertTrue(s.server().budget().tryAcquire(4L << 20), "the whole budget is held");
      GetSamplesRequest three = GetSamplesRequest.newBuilder().setDataset("builtin")
          .addIndices(1).addIndices(2).addIndices(3).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> FgbgGrpc.newBlockingStub(s.channel())
              .withDeadlineAfter(300, TimeUnit.MILLISECONDS).getSamples(three));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
      StreamReader stream = new StreamReader(s.channel(), builtin(3).toBuilder()
          .setLimit(64).build(), -1, 1, Duration.ofMillis(300));
      assertTrue(StreamReader.await(stream.closed, LONG));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, stream.status.getCode());
      StreamStats stats = s.server().stats();
      // The GetSamples leaves the budget's queue a moment before it is counted as dropped.
      assertTrue(stats.await(() -> s.server().budget().waiting() == 0, LONG),
          "both left the queue");
      assertTrue(stats.await(() -> stats.snapshot().queueDrops() >= 1, LONG),
          "the GetSamples was counted as leaving the queue");
      s.server().budget().release(4L << 20);
      holdsNothing(s);
      assertEquals(3, FgbgGrpc.newBlockingStub(s.channel()).withDeadlineAfter(60,
          TimeUnit.SECONDS).getSamples(three).getIndicesCount(), "and the server serves on");
    }
  }
}
