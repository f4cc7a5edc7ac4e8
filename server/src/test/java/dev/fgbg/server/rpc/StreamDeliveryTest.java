package dev.fgbg.server.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.Outputs;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.epoch.EpochRequest;
import dev.fgbg.core.epoch.Epochs;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.synth.DepthEncoding;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.v1.SampleBatch;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A network stream (the core's delivery into a {@link CallSink}) against a fake call: readiness,
 * the memory budget, cancellation and errors, step by step.
 */
class StreamDeliveryTest {
  private static final Dataset D = TestDatasets.tiny(); // 120 samples
  private static final int WINDOW = 3;
  private static final BatchShape SHAPE = new BatchShape(D, Outputs.all(D),
      DepthEncoding.FLOAT16);
  private static final long CHUNK_BYTES = SHAPE.renderBytes(10);

  private final ManualExecutor pool = new ManualExecutor();
  private final FakeServerCall<SampleBatch> call = new FakeServerCall<>();
  private final StreamStats stats = new StreamStats();
  private MemoryBudget budget = MemoryBudget.of(100 * CHUNK_BYTES, Ticker.systemTicker());
  private int ended;

  /** 120 samples in batches of 10, a message each: 12 messages. */
  private Delivery<RenderedBatch> stream(BiFunction<Piece, RenderedBatch, SampleBatch> toMessage) {
    return CallSink.stream(call, toMessage, stats, () -> ended++, new Draining(),
        sink -> Delivery.of(
        Epochs.plan(D, new EpochRequest(4, 1, true, 10, 0, 1, 0, 0, false, 0)),
        Renders.fresh(SHAPE, 4), sink, pool).window(WINDOW)
        .budget(budget, SHAPE.renderBytes(1)));
  }

  private static SampleBatch message(Piece p, RenderedBatch b) {
    return ProtoMapping.chunk(ProtoMapping.batch(D, b, Outputs.all(D)), p).build();
  }

  @Test
  void sendsEveryChunkInOrderThenCompletes() {
    stream(StreamDeliveryTest::message);
    pool.runAll();
    assertTrue(call.completed);
    assertNull(call.error);
    assertEquals(12, call.sent.size());
    for (int b = 0; b < 12; b++) {
      assertEquals(b, call.sent.get(b).getBatchIndex(), "in order");
      assertEquals(b * 10L, call.sent.get(b).getFirstPosition());
    }
    assertEquals(120, stats.snapshot().samplesSent());
    assertEquals(0, budget.used(), "every byte is given back at the end");
    assertEquals(1, ended);
  }

  @Test
  void aClientThatIsNotReadyHoldsAtMostTheWindow() {
    call.ready = false;
    stream(StreamDeliveryTest::message);
    pool.runAll();
    assertEquals(0, call.sent.size(), "nothing is sent while the client is not ready");
    assertEquals(WINDOW, stats.snapshot().chunksProduced(), "no more than the window is rendered");
    assertTrue(stats.snapshot().readyWaits() > 0);
    call.becomeReady();
    pool.runAll();
    assertTrue(call.completed);
    assertEquals(12, call.sent.size());
  }

  @Test
  void cancelStopsRenderingAndSendsNothingMore() {
    stream(StreamDeliveryTest::message);
    assertEquals(WINDOW, pool.queued(), "the window's renders are queued, not yet run");
    call.cancel();
    pool.runAll();
    assertEquals(0, call.sent.size());
    assertEquals(0, stats.snapshot().chunksProduced(),
        "queued renders stop at once after the cancel");
    assertFalse(call.completed, "a cancelled call is not completed");
    assertNull(call.error, "nor failed: the client is gone");
    assertEquals(1, stats.snapshot().streamsCancelled());
    assertEquals(0, budget.used(), "a cancelled stream gives back what it held");
    assertEquals(1, ended);
  }

  @Test
  void renderingAheadStopsAtTheBudget() {
    budget = MemoryBudget.of(2 * CHUNK_BYTES, Ticker.systemTicker());
    call.ready = false;
    stream(StreamDeliveryTest::message);
    pool.runAll();
    assertEquals(2, stats.snapshot().chunksProduced(),
        "two chunks fit in the budget, not the window of 3");
    assertEquals(2 * CHUNK_BYTES, budget.used());
    assertTrue(stats.snapshot().budgetHoldBacks() > 0);
    assertEquals(0, stats.snapshot().budgetWaits(), "a stream with chunks in hand does not queue");
    call.becomeReady();
    pool.runAll();
    assertTrue(call.completed);
    assertEquals(12, call.sent.size());
    assertEquals(0, budget.used());
  }

  @Test
  void aStreamWithNothingRenderedWaitsForBudgetWithoutAThread() {
    budget = MemoryBudget.of(CHUNK_BYTES, Ticker.systemTicker());
    assertTrue(budget.tryAcquire(CHUNK_BYTES), "another stream holds the whole budget");
    stream(StreamDeliveryTest::message);
    assertEquals(0, pool.queued(), "nothing is rendered, and no task waits on a thread");
    assertEquals(1, stats.snapshot().budgetWaits());
    assertEquals(1, budget.waiting());
    budget.release(CHUNK_BYTES);
    pool.runAll();
    assertTrue(call.completed, "granted budget resumes the stream, one chunk at a time");
    assertEquals(12, call.sent.size());
    assertEquals(0, budget.used());
  }

  @Test
  void cancellingAWaitingStreamLeavesTheBudgetQueue() {
    budget = MemoryBudget.of(CHUNK_BYTES, Ticker.systemTicker());
    assertTrue(budget.tryAcquire(CHUNK_BYTES));
    stream(StreamDeliveryTest::message);
    assertEquals(1, budget.waiting());
    call.cancel();
    assertEquals(0, budget.waiting());
    budget.release(CHUNK_BYTES);
    pool.runAll();
    assertEquals(0, budget.used(), "nothing was granted to the cancelled stream");
    assertEquals(0, stats.snapshot().chunksProduced());
    assertEquals(1, ended);
  }

  @Test
  void anErrorMidStreamEndsTheCallWithItsStatus() {
    int[] n = {0};
    stream((p, b) -> {
      if (++n[0] == 3) {
        throw FgbgException.failedPrecondition("the third chunk went wrong");
      }
      return message(p, b);
    });
    pool.runAll();
    assertEquals(2, call.sent.size());
    assertFalse(call.completed);
    StatusRuntimeException e = (StatusRuntimeException) call.error;
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("the third chunk went wrong", e.getStatus().getDescription());
    assertEquals(0, budget.used());
    assertEquals(1, ended);
  }
}
