package dev.fgbg.server.rpc;

import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Plan;
import dev.fgbg.core.deliver.Renders;
import dev.fgbg.core.deliver.Work;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.render.BatchArrays;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.Renderer;
import dev.fgbg.core.shm.RingRefusedException;
import dev.fgbg.core.shm.SlotGate;
import dev.fgbg.core.shm.SlotLayout;
import dev.fgbg.server.admission.CallContexts;
import dev.fgbg.server.admission.LoadControl;
import dev.fgbg.server.admission.ReplyBytes;
import dev.fgbg.server.admission.StreamSlots;
import dev.fgbg.server.admission.UnreadReplies;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.RunningCall;
import dev.fgbg.server.transport.ClientIdentity;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * StreamEpoch and GetSamples as deliveries of the core's pipeline: a stream over the network
 * (messages under flow control, pieces charged to the memory budget), a stream through a
 * client's shared-memory ring (a piece per batch, for a free slot), and a GetSamples reply (its
 * indices rendered in parallel into the reply's arrays).
 */
final class SampleCalls {
  /** Samples a teacher-depth stream keeps in flight at most (see {@link #window}). */
  static final int TEACHER_IN_FLIGHT = 128;

  /** A batch copied into its ring slot. */
  private record Written(RenderedBatch batch, SlotLayout at) {}

  private final LoadControl load;
  private final int window;
  private final int threads;
  private final Limits limits;
  private final StreamStats stats;
  private final SharedMemory shm;
  private final Draining draining;

  /**
   * @param window pieces each stream keeps in flight
   * @param threads render threads: how many pieces one GetSamples reply is rendered in
   */
  SampleCalls(LoadControl load, int window, int threads, Limits limits, StreamStats stats,
      SharedMemory shm, Draining draining) {
    this.load = load;
    this.window = window;
    this.threads = Math.max(1, threads);
    this.limits = limits;
    this.stats = stats;
    this.shm = shm;
    this.draining = draining;
  }

  /**
   * Streams {@code plan} (already validated) of {@code shape}, through the ring {@code offer}ed
   * (null: none) when it is accepted. (The stream's slot of the caps is {@link StreamSlots}'.)
   */
  void stream(BatchShape shape, long seed, Plan plan, SharedMemoryOffer offer,
      ServerCallStreamObserver<SampleBatch> call) {
    Dataset d = shape.dataset();
    RenderScheduler.Lane lane = load.scheduler.lane("stream");
    BiFunction<Piece, RenderedBatch, SampleBatch> toMessage = FirstMessage.sized((p, b) ->
        ProtoMapping.chunk(ProtoMapping.batch(d, b, shape.outputs()), p).build(), plan.samples());
    if (offer != null) {
      try {
        SharedMemory.Held held = shm.acceptStream(offer, shape.slotBytes(plan.batchSize()));
        stats.ring(true);
        ring(shape, seed, plan, held, lane, call);
        return;
      } catch (RingRefusedException e) {
        stats.ring(false);
        SharedMemory.logRefused("StreamEpoch", e);
        toMessage = SharedMemory.sayingRefused(toMessage, e.getMessage());
      }
    }
    int pieceSamples = limits.chunkSamples(ProtoMapping.messageBytes(shape));
    CallSink.stream(call, toMessage, stats, () -> { }, draining, sink -> Delivery.of(plan,
        Renders.fresh(shape, seed), sink, lane).window(window(shape, window, pieceSamples))
        .pieceSamples(pieceSamples).budget(load.budget, shape.renderBytes(1)));
  }

  /**
   * Pieces a stream keeps in flight: {@code most}, but with teacher depth no more than
   * {@link #TEACHER_IN_FLIGHT} samples' worth (at least one piece). A stream's depth requests
   * then wait behind a couple of model batches, not behind seconds of its own; two 64-sample
   * ring batches still keep the model busy while the next one is synthesized.
   */
  static int window(BatchShape shape, int most, int pieceSamples) {
    return shape.teacher() ? Math.max(1, Math.min(most, TEACHER_IN_FLIGHT / pieceSamples))
        : most;
  }

  /**
   * Through a ring: piece {@code k} is batch {@code k}, rendered once slot {@code k mod slots}
   * is free, run by run into small arrays each copied into the slot while in cache
   * ({@link Renders#inRuns}), sealed, and announced in order. The
   * slots are the window: the ring is charged to the budget whole, so every slot may be in use.
   */
  private void ring(BatchShape shape, long seed, Plan plan, SharedMemory.Held held,
      RenderScheduler.Lane lane, ServerCallStreamObserver<SampleBatch> call) {
    SlotGate gate = new SlotGate(held.ring(), shm.poller, shm.ticker, stats::waitedForSlot);
    Work<Written> work = Renders.inRuns(shape, seed, Renders.runSamples(shape),
        new Renders.Runs<>() {
          @Override
          public void copy(Piece p, int from, RenderedBatch run) {
            held.ring().put(SlotLayout.of(gate.slot(p.seq()), shape, p.count(), null), from, run,
                shape);
          }

          @Override
          public CompletableFuture<Written> done(Piece p, RenderedBatch whole) {
            Written w = new Written(whole, held.ring().seal(SlotLayout.of(gate.slot(p.seq()),
                shape, p.count(), whole.backgrounds()), whole.backgrounds()));
            gate.sealed(p.seq());
            return CompletableFuture.completedFuture(w);
          }
        });
    CallSink.<Written>stream(call, FirstMessage.sized((p, w) -> ProtoMapping.chunk(
        ProtoMapping.ringBatch(shape.dataset(), w.batch, shape.outputs(), w.at), p).build(),
        plan.samples()), stats, () -> {
          gate.close();
          shm.release(held);
        }, draining, sink -> Delivery.of(plan, work, sink, lane)
            .window(window(shape, held.ring().slots(), plan.batchSize())).gate(gate));
  }

  /**
   * One GetSamples reply: its bytes come from under the cap on all replies and the budget
   * ({@link ReplyBytes}) and stay charged until the transport has sent it, its indices
   * render in up to {@code threads} pieces at once on the lane this client's GetSamples calls
   * share, into the reply's own arrays (then one message), or run by run straight into one
   * slot of the client's ring (then sealed).
   */
  void getSamples(BatchShape shape, long seed, long[] indices, SharedMemoryOffer offer,
      ServerCallStreamObserver<SampleBatch> call) {
    int n = indices.length;
    SharedMemory.Reply ring = offer != null
        ? shm.acceptReply(offer, shape.slotBytes(n), stats) : SharedMemory.Reply.NONE;
    String client = ClientIdentity.current();
    RenderScheduler.Lane lane = load.getSamplesLane(client);
    AtomicReference<Delivery<RenderedBatch>> running = new AtomicReference<>();
    ReplyBytes bytes = load.replyBytes(ClientIdentity.connection(), shape.renderBytes(n));
    UnreadReplies.Call tracked = load.unread.track(ClientIdentity.connection(), client,
        CallContexts.current(), status -> {
          bytes.cancel();
          if (!bytes.granted().isCancelled()) {
            return false; // granted: rendering, or in the transport
          }
          call.onError(status.asRuntimeException()); // nothing else touches the call now
          return true;
        });
    UntilSent sending = UntilSent.watch(call, () -> {
      tracked.ended(false);
      bytes.cancel();
      Delivery<RenderedBatch> d = running.get();
      if (d != null) {
        d.cancel();
      }
    }, () -> tracked.ended(true));
    bytes.granted().whenComplete((v, e) -> {
      if (e != null) {
        ring.release(); // the client left while it waited: nothing was granted
        stats.droppedFromQueue();
        return;
      }
      long start = System.nanoTime();
      // Rendering now: a stop that finds it still running ends it in words (its renders cancelled).
      RunningCall run = RunningCall.track(draining, call, "GetSamples call", () -> {
        Delivery<RenderedBatch> d = running.get();
        if (d != null) {
          d.cancel();
        }
      });
      // Through a ring, runs go straight into the slot; otherwise into the message's arrays.
      SlotLayout samples = ring.ring() != null
          ? SlotLayout.of(offer.getSlot(), shape, n, null) : null;
      BatchArrays whole = samples == null ? BatchArrays.allocate(shape, n) : null;
      Work<RenderedBatch> work = whole != null ? Renders.into(shape, seed, whole)
          : Renders.inRuns(shape.sampleOnly(), seed, Renders.runSamples(shape),
              new Renders.Runs<>() {
                @Override
                public void copy(Piece p, int from, RenderedBatch run) {
                  ring.ring().put(samples, (int) p.local() + from, run, shape);
                }

                @Override
                public CompletableFuture<RenderedBatch> done(Piece p, RenderedBatch piece) {
                  return CompletableFuture.completedFuture(piece);
                }
              });
      Given given = new Given(ring, bytes, tracked, sending);
      // However it ends, the delivery is done: the call (whose cancel handler holds it) must not
      // keep its arrays while the reply waits in the transport, a second copy of its bytes there.
      Runnable after = () -> {
        given.release(false);
        running.set(null);
      };
      Delivery<RenderedBatch> d = OneReply.pieces(indices, work, lane, threads, call, infos -> {
        stats.rendered("GetSamples", start);
        RenderedBatch all = whole == null
            ? new RenderedBatch(indices, null, null, null, shape.encoding(), infos)
            : new RenderedBatch(indices, shape.outputs().image() ? whole.images() : null,
                whole.masks(), whole.depth(), whole.instances(), shape.encoding(), infos);
        // The reply, once its backgrounds (a teacher's depth of them) are there; the arrays
        // are copied into the transport as it is sent.
        Renderer.withBackgrounds(shape, CompletableFuture.completedFuture(all)).whenComplete(
            (b, cause) -> OneReply.answer(call, run, cause,
                () -> message(shape, b, ring, offer, n),
                () -> given.release(ring.ring() == null), after));
      }, cause -> OneReply.answer(call, run, cause, null, () -> { }, after)).build();
      running.set(d);
      if (run.cancelled().getAsBoolean()) {
        d.cancel();
      }
      d.start();
    });
  }

  /** A GetSamples reply of {@code all}: through the client's ring (sealed) or in its arrays. */
  private static SampleBatch message(BatchShape shape, RenderedBatch all, SharedMemory.Reply ring,
      SharedMemoryOffer offer, int n) {
    SampleBatch.Builder b = ring.ring() != null
        ? ProtoMapping.ringBatch(shape.dataset(), all, shape.outputs(),
            ring.ring().seal(SlotLayout.of(offer.getSlot(), shape, n,
                all.backgrounds()), all.backgrounds()))
        : ring.saying(ProtoMapping.batch(shape.dataset(), all, shape.outputs()));
    return b.setChunkCount(1).build();
  }

  /** What a GetSamples reply holds, given back once. */
  private static final class Given {
    private final SharedMemory.Reply ring;
    private final ReplyBytes bytes;
    private final UnreadReplies.Call tracked;
    private final UntilSent sending;
    private boolean released;

    Given(SharedMemory.Reply ring, ReplyBytes bytes, UnreadReplies.Call tracked,
        UntilSent sending) {
      this.ring = ring;
      this.bytes = bytes;
      this.tracked = tracked;
      this.sending = sending;
    }

    /**
     * The ring goes back, once, before the client hears the end; the bytes then too, or, for a
     * reply {@code inTransport}, once the transport has sent it.
     */
    void release(boolean inTransport) {
      if (!released) {
        released = true;
        ring.release();
        if (inTransport) {
          tracked.sending();
          sending.hold(bytes::release);
        } else {
          bytes.release();
        }
      }
    }
  }
}
