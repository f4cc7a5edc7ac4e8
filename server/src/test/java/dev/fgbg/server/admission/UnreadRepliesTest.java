package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A client that sends many GetSamples at once on one connection and never reads the replies
 * (a stopped process): its replies waiting in the transport stay charged to the memory budget,
 * so the server renders no more of them than the cap on all replies holds, instead of queueing
 * every reply's bytes in the transport until the heap runs out. Another client's GetSamples and
 * streams are served meanwhile, and when the bad client goes, every byte comes back.
 */
class UnreadRepliesTest {
  private static final long BUDGET = 64L << 20;
  private static final int CALLS = 16;

  /** Indices {@code from} to {@code from + 19} of the built-in dataset. */
  static GetSamplesRequest twenty(int from) {
    GetSamplesRequest.Builder r = GetSamplesRequest.newBuilder().setDataset("builtin");
    for (int k = 0; k < 20; k++) {
      r.addIndices(from + k);
    }
    return r.build();
  }

  /** Sends {@code request} as a GetSamples call on {@code client} that never reads its reply. */
  static void neverRead(LoopbackClient client, GetSamplesRequest request,
      Consumer<Status> onClose) {
    ClientCall<GetSamplesRequest, SampleBatch> call = client.channel().newCall(
        FgbgGrpc.getGetSamplesMethod(), CallOptions.DEFAULT.withDeadlineAfter(300,
            TimeUnit.SECONDS));
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        onClose.accept(status);
      }
    }, new Metadata()); // never requests a message
    call.sendMessage(request);
    call.halfClose();
  }

  /** Whether {@code condition} came true within {@code timeout}, looked at every 20 ms. */
  static boolean poll(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Test
  void repliesAClientDoesNotReadStayChargedAndLeaveRoomForOthers() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(BUDGET).build();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient good = new LoopbackClient(s.server().port());
        LoopbackClient bad = new LoopbackClient(s.server().port(), 64 << 10)) {
      FgbgGrpc.FgbgBlockingStub goodStub = FgbgGrpc.newBlockingStub(good.channel());
      long reply = goodStub.withDeadlineAfter(60, TimeUnit.SECONDS).getSamples(twenty(0))
          .getSerializedSize();
      AtomicInteger renders = new AtomicInteger();
      s.server().stats().onRender((method, nanos) -> {
        if (method.equals("GetSamples")) {
          renders.incrementAndGet();
        }
      });
      for (int i = 0; i < CALLS; i++) {
        neverRead(bad, twenty(100 + 20 * i), status -> { });
      }
      long held = BUDGET / 2 / reply + 1;
      assertTrue(poll(() -> renders.get() >= held - 1 && s.server().budget().used() > 0,
          Duration.ofSeconds(60)), () -> "the bad client's replies were rendered: " + renders);
      assertFalse(poll(() -> renders.get() > held, Duration.ofSeconds(5)), () -> renders
          + " replies of " + reply + " bytes were rendered for a client that reads none: "
          + "more than the cap on all replies, half the budget, holds");
      assertTrue(s.server().budget().used() >= reply, "the unread replies stay charged");

      for (int i = 0; i < 3; i++) {
        assertEquals(20, goodStub.withDeadlineAfter(30, TimeUnit.SECONDS)
            .getSamples(twenty(1000 + 20 * i)).getIndicesCount(), "another client is served");
      }
      int samples = 0;
      var stream = goodStub.withDeadlineAfter(60, TimeUnit.SECONDS).streamEpoch(
          StreamEpochRequest.newBuilder().setDataset("builtin").setBatchSize(16).setLimit(64)
              .build());
      while (stream.hasNext()) {
        samples += stream.next().getIndicesCount();
      }
      assertEquals(64, samples, "and its stream too");

      bad.close();
      assertTrue(poll(() -> s.server().budget().used() == 0, Duration.ofSeconds(60)),
          () -> "the bad client left, yet " + s.server().budget().used() + " bytes are held");
    }
  }
}
