package dev.fgbg.core.deliver;

import dev.fgbg.core.load.MemoryBudget;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The one render-delivery pipeline: walks a {@link Plan} as pieces, starts each piece's
 * {@link Work} on a render lane once its credits allow (a window of pieces in flight, the
 * {@link MemoryBudget}, a {@link Gate} such as a free ring slot), so that the pieces of one
 * request render in parallel on every thread of the lane, and hands finished pieces to the
 * {@link Sink} strictly in order, while the sink is ready. Cancellation stops renders between
 * samples; however it ends, every byte it held is given back and every piece's work has
 * stopped ({@link Running}) before the sink hears of it.
 *
 * <p>With a budget, a piece's bytes are taken before it renders and given back once the sink has
 * drained it; {@link Credits} keeps a client that does not read from holding more than its
 * first piece, so that a newcomer always finds room.
 *
 * <p>Thread-safe: every state change happens in one drain at a time ({@link #pump()} from any
 * thread runs it, or asks the thread running it to go round again), so no thread ever waits
 * for another here.
 *
 * @param <T> what a piece's work gives the sink
 */
public final class Delivery<T> {
  /** The bytes a delivery may hold before its sink has drained anything. */
  public static final long INITIAL_BYTES = 256 << 10;

  private final Plan.Cursor cursor;
  private final Work<T> work;
  private final Sink<T> sink;
  private final Executor lane;
  private final int window;
  private final int maxPieceSamples;
  private final Credits credits;
  private final Gate gate;
  private final BooleanSupplier cancelledWhen;
  private final Events events;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final ArrayDeque<Job<T>> inflight = new ArrayDeque<>();
  private final Running running = new Running();
  private volatile boolean cancelRequested;
  /** Someone began to wait for budget (kept by a ready sink while the wait lasts). */
  private volatile boolean pressured;
  /**
   * Gave back its pieces under pressure: renders nothing until its sink is ready (else it
   * would take the freed bytes back and render the same pieces again at each pressure).
   */
  private boolean parked;
  private MemoryBudget.Subscription pressure;
  private boolean started;
  private boolean ended;

  Delivery(DeliveryBuilder<T> b) {
    this.cursor = b.plan.cursor();
    this.work = b.work;
    this.sink = b.sink;
    this.lane = b.lane;
    this.window = b.window;
    this.maxPieceSamples = b.maxPieceSamples;
    this.credits = b.budget == null ? null : new Credits(b.budget, b.sampleBytes, b.slowStart);
    this.gate = b.gate;
    this.cancelledWhen = b.cancelledWhen;
    this.events = b.events;
  }

  /** A delivery of {@code plan}'s pieces through {@code work} to {@code sink}, on {@code lane}. */
  public static <T> DeliveryBuilder<T> of(Plan plan, Work<T> work, Sink<T> sink, Executor lane) {
    return new DeliveryBuilder<>(plan, work, sink, lane);
  }

  /** Completes once the sink has heard how the delivery ended, normally or with its cause. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** Starts rendering (from the caller's thread); the sink is told of the end. */
  public Delivery<T> start() {
    if (credits != null) {
      pressure = credits.onWait(() -> {
        pressured = true;
        pump();
      });
    }
    started = true;
    pump();
    return this;
  }

  /**
   * Waits for the end: returns when every piece was delivered, else throws what failed it (an
   * IOException as itself) or a CancellationException. An interrupt cancels the delivery.
   */
  public void await() throws IOException {
    Ending.await(done, this::cancel);
  }

  /** Stops: nothing more is delivered, renders stop between samples, the sink hears it. */
  public void cancel() {
    cancelRequested = true;
    pump();
  }

  /** Looks again (call it when the sink turns ready): drains here, or has the drain go round. */
  public void pump() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      drain();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void later() {
    try {
      lane.execute(this::pump);
    } catch (RejectedExecutionException e) {
      pump(); // the lane is shutting down: finish here
    }
  }

  private void drain() {
    if (ended || !started) {
      return;
    }
    try {
      boolean again = true;
      while (again) {
        if (cancelRequested || cancelledWhen.getAsBoolean()) {
          end(new CancellationException("cancelled"));
          return;
        }
        boolean ready = sink.ready();
        if (!ready) {
          events.waitedForSink(); // paused until the sink turns ready
        } else {
          parked = false;
          if (credits != null) {
            credits.drainedAll();
          }
        }
        // A ready sink gives back what it rendered ahead once it stops reading, if the wait
        // still lasts (forgotten, those pieces held the waiter off until its client read).
        if (pressured && (!ready || !credits.anyoneWaits())) {
          pressured = false;
          if (!ready) {
            drop();
            parked = true;
          }
        }
        if (!parked) {
          fill();
        } else if (credits != null) {
          credits.giveUpWait(); // a grant that came while parked goes to the next in line
        }
        again = false;
        while (!inflight.isEmpty() && inflight.peek().result.isDone()) {
          if (!sink.ready()) {
            events.waitedForSink();
            break;
          }
          Job<T> head = inflight.poll();
          T value = head.result.join();
          if (credits != null) {
            credits.delivered(head.bytes);
          }
          sink.deliver(head.piece, value);
          again = true; // the sink may have drained it already: look again
        }
        if (inflight.isEmpty() && !cursor.hasNext() && (credits == null || !credits.waiting())) {
          end(null);
          return;
        }
      }
    } catch (Throwable t) {
      end(t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
    }
  }

  /** Starts pieces while the window, the gate and the budget allow. */
  private void fill() throws Exception {
    while (inflight.size() < window && cursor.hasNext()
        && (credits == null || !credits.waiting())) {
      if (gate != null && !gate.open(cursor.nextSeq(), this::later)) {
        return;
      }
      int max = credits == null ? maxPieceSamples : credits.pieceSamples(maxPieceSamples);
      long bytes = 0;
      if (credits != null) {
        bytes = credits.take(cursor.peek(max, max), inflightBytes(), sink.ready(), events,
            this::later);
        if (bytes < 0) {
          return;
        }
      }
      Job<T> job = new Job<>(cursor.next(max, max), bytes);
      inflight.add(job);
      try {
        lane.execute(() -> run(job));
      } catch (RejectedExecutionException e) {
        // The lane's pool is shut down: the server is stopping, not failing.
        throw new CancellationException("the render lane is shut down");
      }
    }
  }

  /** On the lane: the piece's work; its end is looked at here, or on the lane once it comes. */
  private void run(Job<T> job) {
    running.enter();
    CompletableFuture<T> f;
    try {
      f = job.dropped || cancelRequested ? CompletableFuture.failedFuture(
          new CancellationException("cancelled")) : work.start(job.piece,
          job.stop(() -> cancelRequested || cancelledWhen.getAsBoolean()));
    } catch (Throwable t) {
      f = CompletableFuture.failedFuture(t);
    }
    boolean now = f.isDone();
    f.whenComplete((v, e) -> {
      if (e != null) {
        events.failed(e);
        job.result.completeExceptionally(e);
      } else {
        events.rendered(job.piece, job.startNanos);
        job.result.complete(v);
      }
      running.exit();
      if (now) {
        pump();
      } else {
        later(); // completed by another thread (a depth model's batcher): back to the lane
      }
    });
  }

  private long inflightBytes() {
    long n = 0;
    for (Job<T> j : inflight) {
      n += j.bytes;
    }
    return n;
  }

  /** Gives back the pieces rendered but unsent, to be rendered again when the sink is ready. */
  private void drop() {
    if (inflight.isEmpty()) {
      return;
    }
    events.dropped(inflight.size());
    cursor.rewind(inflight.peek().piece);
    credits.release(abandon());
  }

  /** Forgets the pieces in flight (each stops between samples, or waiting for depth); bytes. */
  private long abandon() {
    long bytes = inflightBytes();
    for (Job<T> j : inflight) {
      j.drop(); // a piece waiting for depth withdraws its requests from the model's queue
      j.result.cancel(false);
    }
    inflight.clear();
    return bytes;
  }

  /** Gives back everything held, cancels what is in flight; tells the sink once no work runs. */
  private void end(Throwable cause) {
    ended = true;
    long held = abandon();
    if (pressure != null) {
      pressure.close();
    }
    if (credits != null) {
      credits.releaseAll(held);
    }
    running.whenIdle(() -> {
      try {
        sink.ended(cause);
      } finally {
        if (cause == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(cause);
        }
      }
    });
  }
}
