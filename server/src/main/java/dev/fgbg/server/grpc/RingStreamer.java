package dev.fgbg.server.grpc;

import dev.fgbg.core.epoch.EpochSource;
import dev.fgbg.core.epoch.RenderedChunk;
import dev.fgbg.core.shm.SharedRing;
import dev.fgbg.core.shm.SlotLayout;
import dev.fgbg.v1.SampleBatch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Sends one epoch stream through a client's shared-memory ring: batch {@code k} is rendered for
 * slot {@code k mod slots}, only once the client has freed that slot, copied into it when done,
 * and announced by a small message (slot, offsets, meta) sent in order while the call is ready.
 * The ring is the flow control: a client that does not free its slots holds at most its ring,
 * and the server renders nothing more for it. While the next slot is still held the stream polls
 * its state word, backing off from 250 µs to 10 ms. However the stream ends, the ring is
 * unmapped, its file removed and its bytes given back to the budget.
 */
final class RingStreamer {
  private static final long FIRST_POLL_NANOS = 250_000;
  private static final long MAX_POLL_NANOS = 10_000_000;

  private record Pending(CompletableFuture<RenderedChunk> chunk, int slot) {}

  private final ServerCallStreamObserver<SampleBatch> call;
  private final EpochSource source;
  private final BiFunction<RenderedChunk, SlotLayout, SampleBatch> toMessage;
  private final Executor lane;
  private final int window;
  private final SharedMemory shm;
  private final SharedMemory.Held held;
  private final SharedRing ring;
  private final StreamStats stats;
  private final Runnable onEnd;
  private final ArrayDeque<Pending> inflight = new ArrayDeque<>();
  private long started;
  private long pollNanos = FIRST_POLL_NANOS;
  private ScheduledFuture<?> poll;
  private boolean done;

  RingStreamer(ServerCallStreamObserver<SampleBatch> call, EpochSource source,
      BiFunction<RenderedChunk, SlotLayout, SampleBatch> toMessage, Executor lane, int window,
      SharedMemory shm, SharedMemory.Held held, StreamStats stats, Runnable onEnd) {
    this.call = call;
    this.source = source;
    this.toMessage = toMessage;
    this.lane = lane;
    this.held = held;
    this.ring = held.ring();
    this.window = Math.max(1, Math.min(window, ring.slots()));
    this.shm = shm;
    this.stats = stats;
    this.onEnd = onEnd;
  }

  /** Installs the handlers; must run inside the service method. */
  void start() {
    stats.started();
    call.setOnCancelHandler(this::onCancel);
    call.setOnReadyHandler(this::pump);
    pump();
  }

  private void onCancel() {
    stop();
    stats.cancelled(); // after the ring is gone, for whoever waits on the counter
  }

  private synchronized void stop() {
    if (done) {
      return;
    }
    source.cancel();
    for (Pending p : inflight) {
      p.chunk.cancel(false);
    }
    end();
  }

  private void end() {
    done = true;
    inflight.clear();
    if (poll != null) {
      poll.cancel(false);
      poll = null;
    }
    shm.release(held);
    onEnd.run();
  }

  synchronized void pump() {
    if (done) {
      return;
    }
    try {
      while (true) {
        fill();
        Pending head = inflight.peek();
        if (head == null) {
          if (!source.hasNext()) {
            end();
            call.onCompleted();
          }
          return; // else the next slot is held: the poll resumes
        }
        if (!head.chunk.isDone()) {
          return; // resumed by the render's completion
        }
        if (!call.isReady()) {
          stats.waitedForReady();
          return; // resumed by onReady
        }
        inflight.poll();
        RenderedChunk c = head.chunk.join();
        SampleBatch batch = toMessage.apply(c, ring.write(head.slot, c.batch()));
        call.onNext(batch);
        stats.sent(batch.getIndicesCount());
      }
    } catch (RuntimeException | OutOfMemoryError e) {
      stop();
      call.onError(Statuses.toStatus(e));
    }
  }

  /** Starts renders while the window allows and the client has freed the next slot. */
  private void fill() {
    while (inflight.size() < window && source.hasNext()) {
      int slot = (int) (started % ring.slots());
      if (!ring.isFree(slot)) {
        schedulePoll();
        return;
      }
      pollNanos = FIRST_POLL_NANOS;
      started++;
      long start = System.nanoTime();
      CompletableFuture<RenderedChunk> f = source.next().thenApply(c -> {
        stats.produced();
        stats.rendered("StreamEpoch", start);
        return c;
      });
      inflight.add(new Pending(f, slot));
      f.whenComplete((r, e) -> FatalErrors.check(e));
      f.whenCompleteAsync((r, e) -> pump(), lane);
    }
  }

  private void schedulePoll() {
    if (poll != null) {
      return;
    }
    stats.waitedForSlot();
    poll = shm.poller.schedule(this::polled, pollNanos, TimeUnit.NANOSECONDS);
    pollNanos = Math.min(MAX_POLL_NANOS, 2 * pollNanos);
  }

  private synchronized void polled() {
    poll = null;
    if (!done) {
      lane.execute(this::pump);
    }
  }
}
