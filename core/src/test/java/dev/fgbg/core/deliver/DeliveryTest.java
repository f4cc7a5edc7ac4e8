package dev.fgbg.core.deliver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.sampling.IndexSequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pipeline step by step: order, parallelism, the budget's rules, cancel, failure, gates. */
class DeliveryTest {
  private static final long SAMPLE = 100 << 10; // bytes a sample is charged
  private final ArrayDeque<Runnable> lane = new ArrayDeque<>();

  /** Runs the lane's queued tasks (and those they queue) until none is left. */
  private void runAll() {
    for (Runnable r = lane.poll(); r != null; r = lane.poll()) {
      r.run();
    }
  }

  /** Records what it is given; ready as the test says; {@code readsOnce}: unready after one. */
  private static final class Recorder implements Sink<long[]> {
    final List<Piece> got = new ArrayList<>();
    boolean ready = true;
    boolean readsOnce;
    Throwable ended = new AssertionError("not ended");

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public void deliver(Piece piece, long[] value) {
      assertArrayEquals(piece.indices(), value);
      got.add(piece);
      if (readsOnce) {
        ready = false;
      }
    }

    @Override
    public void ended(Throwable cause) {
      ended = cause;
    }

    List<Long> indices() {
      List<Long> out = new ArrayList<>();
      got.forEach(p -> {
        for (long i : p.indices()) {
          out.add(i);
        }
      });
      return out;
    }
  }

  private static final Work<long[]> INDICES = (p, c) -> CompletableFuture.completedFuture(
      p.indices());

  private static Plan plan(int samples, int batch) {
    return Plan.of(IndexSequence.range(1000, 1000 + samples), batch);
  }

  @Test
  void piecesFinishingOutOfOrderAreDeliveredInOrder() {
    Map<Long, CompletableFuture<long[]>> pending = new HashMap<>();
    Recorder sink = new Recorder();
    Delivery<long[]> d = Delivery.of(plan(12, 4), (p, c) -> {
      CompletableFuture<long[]> f = new CompletableFuture<>();
      pending.put(p.seq(), f);
      return f;
    }, sink, lane::add).window(3).start();
    runAll();
    assertEquals(3, pending.size(), "the window's pieces all started");
    pending.get(2L).complete(new long[] {1008, 1009, 1010, 1011});
    pending.get(1L).complete(new long[] {1004, 1005, 1006, 1007});
    d.pump();
    assertTrue(sink.got.isEmpty(), "nothing goes before piece 0");
    pending.get(0L).complete(new long[] {1000, 1001, 1002, 1003});
    runAll();
    assertEquals(List.of(0L, 1L, 2L), sink.got.stream().map(Piece::seq).toList());
    assertNull(sink.ended);
    assertTrue(d.done().isDone());
  }

  @Test
  void aLaneShutDownEndsTheDeliveryAsCancelledNotAsAFailure() {
    // A server stopping shuts its render pool: the stream must end as stopped, not INTERNAL.
    Recorder sink = new Recorder();
    MemoryBudget budget = MemoryBudget.of(100 * SAMPLE, Ticker.systemTicker());
    Delivery.of(plan(8, 8), INDICES, sink, task -> {
      throw new RejectedExecutionException("shut down");
    }).window(2).budget(budget, SAMPLE).start();
    assertInstanceOf(CancellationException.class, sink.ended);
    assertEquals(0, budget.used(), "what it took came back");
  }

  @Test
  void thePiecesOfOneRequestRenderOnEveryThreadAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier both = new CyclicBarrier(2);
      Recorder sink = new Recorder();
      Delivery<long[]> d = Delivery.of(plan(8, 8), (p, c) -> {
        try {
          both.await(10, TimeUnit.SECONDS); // only passes if two pieces render together
        } catch (Exception e) {
          return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(p.indices());
      }, sink, pool).window(2).pieceSamples(2).start();
      d.done().get(30, TimeUnit.SECONDS);
      assertEquals(List.of(1000L, 1001L, 1002L, 1003L, 1004L, 1005L, 1006L, 1007L),
          sink.indices());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClientThatNeverReadsHoldsOnlyItsFirstSmallPieceOnceAnyoneNeedsTheBytes() {
    MemoryBudget budget = MemoryBudget.of(100 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    sink.readsOnce = true; // one message goes out, then the transport stays full
    Delivery.of(plan(64, 64), INDICES, sink, lane::add).window(8).pieceSamples(13)
        .budget(budget, SAMPLE).start();
    runAll();
    assertEquals(1, sink.got.size());
    int first = sink.got.get(0).count();
    assertEquals(Delivery.INITIAL_BYTES / SAMPLE, first, "the first piece is small");
    assertTrue(budget.used() <= Credits.HOLD_BYTES, "a few small pieces ahead at most: "
        + budget.used());
    CompletableFuture<Void> newcomer = budget.acquire(budget.capacity() - first * SAMPLE);
    assertTrue(newcomer.isDone(), "what it rendered ahead went to the newcomer");
    assertEquals(budget.capacity(), budget.used(), "it keeps only the piece the transport has");
  }

  @Test
  void aReadingClientsPiecesGrowWithWhatItRead() {
    MemoryBudget budget = MemoryBudget.of(100 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    Delivery.of(plan(64 * 12, 64), INDICES, sink, lane::add).window(4).pieceSamples(13)
        .budget(budget, SAMPLE).start();
    runAll();
    // 100 KB samples: the first 64 MB a transport takes do not count as read.
    assertEquals(2, sink.got.get(0).count(), "the first messages are small");
    assertEquals(2, sink.got.stream().filter(p -> p.batch() == 1).findFirst().orElseThrow()
        .count());
    Piece lastBatch = sink.got.stream().filter(p -> p.batch() == 11).findFirst().orElseThrow();
    assertEquals(13, lastBatch.count(), "once the client has read, pieces at the bound");
    assertEquals(768, sink.indices().size());
    assertEquals(0, budget.used());
  }

  @Test
  void aSinkThatTakesEachPieceGetsWholePiecesFromTheFirst() {
    MemoryBudget budget = MemoryBudget.of(400 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    Delivery.of(plan(64, 64), INDICES, sink, lane::add).window(4).pieceSamples(8)
        .budgetTakenAtOnce(budget, SAMPLE).start();
    runAll();
    assertEquals(8, sink.got.get(0).count(), "no slow start: the first piece is whole");
    assertEquals(64, sink.indices().size());
    assertEquals(0, budget.used());
  }

  @Test
  void aSinkThatTakesEachPieceHoldsAnEighthOfTheBudgetAPieceAndAQuarterInAll() {
    MemoryBudget budget = MemoryBudget.of(32 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    List<Long> used = new ArrayList<>();
    // Samples of an eighth of the budget: eight of them would want the whole budget at once.
    Delivery.of(plan(64, 64), (p, c) -> {
      used.add(budget.used());
      return CompletableFuture.completedFuture(p.indices());
    }, sink, lane::add).window(4).pieceSamples(8).budgetTakenAtOnce(budget, 4 * SAMPLE)
        .start();
    runAll();
    assertEquals(1, sink.got.get(0).count(), "a piece within an eighth of the budget");
    assertTrue(used.stream().allMatch(b -> b <= budget.capacity() / 4),
        "at most a quarter of the budget at once: " + used);
    assertEquals(64, sink.indices().size());
    assertEquals(0, budget.used());
  }

  @Test
  void aStreamThatIsNotReadyNeverQueuesForBudget() {
    MemoryBudget budget = MemoryBudget.of(10 * SAMPLE, Ticker.systemTicker());
    assertTrue(budget.tryAcquire(10 * SAMPLE), "someone else holds it all");
    Recorder sink = new Recorder();
    sink.ready = false;
    Delivery<long[]> d = Delivery.of(plan(8, 8), INDICES, sink, lane::add).window(2)
        .budget(budget, SAMPLE).start();
    runAll();
    assertEquals(0, budget.waiting(), "no place taken in the queue for a client not reading");
    sink.ready = true;
    d.pump();
    assertEquals(1, budget.waiting(), "ready: it queues");
    budget.release(10 * SAMPLE);
    runAll();
    assertEquals(8, sink.indices().size());
    assertNull(sink.ended);
    assertEquals(0, budget.used());
  }

  /**
   * A budgeted stream of samples 1000 to 1999 in pieces of 10, each piece's start recorded in
   * {@code started}, that read 800 samples (beyond a transport window's worth: the cap grows)
   * and then stalled with pieces rendered ahead.
   */
  private Delivery<long[]> stalledAfter800(MemoryBudget budget, Recorder sink,
      List<Long> started) {
    Delivery<long[]> d = Delivery.of(plan(1000, 10), (p, c) -> {
      started.add(p.seq());
      return INDICES.start(p, c);
    }, sink, lane::add).window(4).budget(budget, SAMPLE).start();
    while (sink.indices().size() < 800) {
      lane.poll().run();
    }
    sink.ready = false;
    runAll();
    return d;
  }

  /** The stalled client reads again: every sample once, in order, and every byte back. */
  private void resumeAndExpectEverySampleOnce(Delivery<long[]> d, Recorder sink,
      MemoryBudget budget) {
    sink.ready = true;
    d.pump();
    runAll();
    List<Long> want = new ArrayList<>();
    for (long i = 1000; i < 2000; i++) {
      want.add(i);
    }
    assertEquals(want, sink.indices(), "every sample once, in order");
    assertNull(sink.ended);
    assertEquals(0, budget.used());
  }

  @Test
  void piecesRenderedForAStalledClientGoBackToAWaiterAndAreRenderedAgainTheSame() {
    MemoryBudget budget = MemoryBudget.of(40 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    List<Long> started = new ArrayList<>();
    Delivery<long[]> d = stalledAfter800(budget, sink, started);
    long held = budget.used();
    assertTrue(held > 10 * SAMPLE, "rendered ahead: " + held);
    CompletableFuture<Void> newcomer = budget.acquire(budget.capacity() - 10 * SAMPLE);
    assertTrue(newcomer.isDone(), "the stalled stream gave its unsent pieces to the newcomer");
    assertTrue(budget.used() - (budget.capacity() - 10 * SAMPLE) <= 10 * SAMPLE,
        "it keeps only what the transport holds");
    budget.release(budget.capacity() - 10 * SAMPLE);
    resumeAndExpectEverySampleOnce(d, sink, budget);
    assertTrue(started.size() > sink.got.size(), "dropped pieces were rendered again");
  }

  @Test
  void aStalledStreamThatGaveBackItsPiecesRendersNothingMoreUntilItsSinkIsReady() {
    // 200 Python streams that read a batch and stopped: each pressure made every one of them
    // give back its pieces and, in the same drain, take the bytes straight back and render the
    // same pieces again, so the workers rendered for them and a newcomer crawled.
    MemoryBudget budget = MemoryBudget.of(40 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    List<Long> started = new ArrayList<>();
    Delivery<long[]> d = stalledAfter800(budget, sink, started);
    long held = budget.used();
    int renders = started.size();
    for (int round = 0; round < 3; round++) {
      CompletableFuture<Void> newcomer = budget.acquire(2 * SAMPLE);
      d.pump();
      runAll();
      assertTrue(newcomer.isDone(), "round " + round);
      assertEquals(renders, started.size(), "round " + round + ": nothing rendered again");
      assertTrue(budget.used() - 2 * SAMPLE < held, "it keeps only what the transport holds");
      budget.release(2 * SAMPLE);
    }
    resumeAndExpectEverySampleOnce(d, sink, budget);
  }

  @Test
  void piecesRenderedAfterTheWaitBeganGoBackOnceTheSinkStopsReading() {
    // The sink was ready when the newcomer began to wait, so nothing went back then; its
    // pieces finished later, it took one and stopped reading: the rest must go back, or the
    // newcomer waits for as long as this client does not read (seen as a starved stream).
    MemoryBudget budget = MemoryBudget.of(40 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    sink.readsOnce = true;
    List<CompletableFuture<long[]>> rendering = new ArrayList<>();
    boolean[] slow = {true}; // pieces finish when the test says, until the client reads again
    Delivery<long[]> d = Delivery.of(plan(1000, 10), (p, c) -> {
      if (!slow[0]) {
        return INDICES.start(p, c);
      }
      CompletableFuture<long[]> f = new CompletableFuture<>();
      rendering.add(f);
      return f.thenApply(v -> p.indices());
    }, sink, lane::add).window(4).budget(budget, SAMPLE).start();
    runAll();
    assertTrue(rendering.size() > 1, "pieces in flight: " + rendering.size());
    long held = budget.used();
    CompletableFuture<Void> newcomer = budget.acquire(budget.capacity() - held + 1);
    runAll();
    assertTrue(!newcomer.isDone() && budget.used() == held, "ready: it kept its pieces");
    rendering.forEach(f -> f.complete(null));
    runAll();
    assertEquals(1, sink.got.size(), "it took one and stopped reading");
    assertTrue(newcomer.isDone(), "the rest went back to the newcomer");
    budget.release(budget.capacity() - held + 1);
    slow[0] = false;
    sink.readsOnce = false;
    resumeAndExpectEverySampleOnce(d, sink, budget);
  }

  @Test
  void aGrantThatComesWhileItsSinkIsNotReadyGoesToTheNextInLine() {
    // Its first piece's worth.
    MemoryBudget budget = MemoryBudget.of(2 * SAMPLE, Ticker.systemTicker());
    assertTrue(budget.tryAcquire(2 * SAMPLE)); // someone else holds all of it
    Recorder sink = new Recorder();
    Delivery<long[]> d = Delivery.of(plan(40, 10), INDICES, sink, lane::add).window(2)
        .budget(budget, SAMPLE).start();
    runAll();
    assertEquals(1, budget.waiting(), "ready and holding nothing: it queues");
    sink.ready = false;
    CompletableFuture<Void> reader = budget.acquire(SAMPLE); // pressure: it parks
    runAll();
    budget.release(2 * SAMPLE);
    runAll();
    assertTrue(reader.isDone(), "the parked stream did not sit on its grant");
    assertEquals(SAMPLE, budget.used());
    assertTrue(sink.got.isEmpty());
    budget.release(SAMPLE);
    sink.ready = true;
    d.pump();
    runAll();
    assertEquals(40, sink.indices().size());
    assertNull(sink.ended);
    assertEquals(0, budget.used());
  }

  @Test
  void cancelStopsRendersAndGivesEverythingBack() {
    MemoryBudget budget = MemoryBudget.of(100 * SAMPLE, Ticker.systemTicker());
    Recorder sink = new Recorder();
    sink.ready = false;
    List<Boolean> cancelledSeen = new ArrayList<>();
    Delivery<long[]> d = Delivery.of(plan(40, 10), (p, c) -> {
      cancelledSeen.add(c.getAsBoolean());
      return INDICES.start(p, c);
    }, sink, lane::add).window(2).budget(budget, SAMPLE).start();
    d.cancel();
    runAll();
    assertInstanceOf(CancellationException.class, sink.ended);
    assertTrue(cancelledSeen.isEmpty(), "queued pieces never ran their work");
    assertEquals(0, budget.used());
    assertTrue(d.done().isCompletedExceptionally());
  }

  @Test
  void theSinkHearsTheEndOnlyOnceEveryStartedPieceHasStopped() {
    // Piece 0's work is running (writing into files or a slot the sink owns, say) when the
    // delivery is cancelled: the sink must not hear the end, and let go of them, before it stops.
    Recorder sink = new Recorder();
    CompletableFuture<long[]> first = new CompletableFuture<>();
    Delivery<long[]> d = Delivery.of(plan(20, 10), (p, c) -> p.seq() == 0 ? first
        : INDICES.start(p, c), sink, lane::add).window(2).start();
    runAll();
    d.cancel();
    runAll();
    assertInstanceOf(AssertionError.class, sink.ended, "not yet: piece 0 still runs");
    assertTrue(!d.done().isDone());
    first.complete(new long[] {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009});
    runAll();
    assertInstanceOf(CancellationException.class, sink.ended);
    assertTrue(d.done().isCompletedExceptionally());
    assertTrue(sink.got.isEmpty(), "nothing is delivered after the cancel");
  }

  @Test
  void aFailedPieceEndsTheDeliveryWithItsCause() {
    IllegalStateException boom = new IllegalStateException("piece 2 went wrong");
    Recorder sink = new Recorder();
    Delivery.of(plan(40, 10), (p, c) -> p.seq() == 2 ? CompletableFuture.failedFuture(boom)
        : INDICES.start(p, c), sink, lane::add).window(3).start();
    runAll();
    assertEquals(2, sink.got.size());
    assertEquals(boom, sink.ended);
  }

  @Test
  void aClosedGateHoldsThePieceUntilItOpens() {
    boolean[] open = {false};
    Runnable[] retry = {null};
    Recorder sink = new Recorder();
    Delivery.of(plan(20, 10), INDICES, sink, lane::add).window(2).gate((seq, again) -> {
      retry[0] = again;
      return seq < 1 || open[0];
    }).start();
    runAll();
    assertEquals(1, sink.got.size(), "piece 1's slot is held");
    open[0] = true;
    retry[0].run();
    runAll();
    assertEquals(2, sink.got.size());
    assertNull(sink.ended);
  }
}
