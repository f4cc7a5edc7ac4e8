package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.dataset.DepthMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * One model's request queue, in the manner of Triton's dynamic batcher, as a three-stage
 * pipeline so that the model never waits for Java work between runs:
 * <ol>
 *   <li>the <em>former</em> gathers requests into a batch; a full batch it prepares (fills the
 *       model's input) at once, while the model runs the previous one;
 *   <li>the <em>runners</em>, one per batch the model runs at once
 *       ({@link DepthModel#parallelRuns}: an ONNX model's sessions), run prepared batches back to
 *       back. When a runner is free and no full batch is ready, it takes the gathered requests
 *       once {@code maxQueueDelay} has passed since the oldest was queued (by the ticker) and
 *       prepares them itself;
 *   <li>the <em>completer</em> reads each map (float, or float16 as served), checks them
 *       ({@link FiniteDepth}) and completes the callers' futures, whose continuations (cache,
 *       disk tier, renderers) run on it, not on the runner.
 * </ol>
 * At most {@code capacity} requests wait (queued, gathered or prepared): beyond that a request
 * is rejected at once with RESOURCE_EXHAUSTED. A request cancelled while queued (its callers
 * are gone: {@link DepthRequest}) is withdrawn, dropped before its batch is prepared, so the
 * model never computes it; once taken into a batch, a request is computed and delivered.
 *
 * <p>Nothing runs until {@link #start()}; the threads come from the injected factory.
 */
final class DynamicBatcher implements AutoCloseable {
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** One image's request, how its caller reads its batch, and whether the counters see it. */
  private record Request<T>(DepthModel.Job job, long enqueued,
      BiFunction<DepthModel.Batch, Integer, T> reader, DepthRequest<T> result, boolean counted) {
    @SuppressWarnings("unchecked")
    void complete(Object value) {
      result.complete((T) value);
    }
  }

  /** Requests with their prepared batch, row i for request i. */
  private record Prepared(List<Request<?>> requests, DepthModel.Batch batch) {}

  private final DepthModel model;
  private final int capacity;
  private final BlockingQueue<Request<?>> queue;
  private final AtomicInteger waiting = new AtomicInteger();
  private final DepthStats stats;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private final Gathering<Request<?>, Prepared> gathering;
  private final BatchFailures failures;
  private final List<Thread> started = new ArrayList<>();
  private ExecutorService completer;
  private volatile boolean closed;

  public DynamicBatcher(DepthModel model, int maxBatch, Duration maxQueueDelay, int capacity,
      DepthStats stats, Ticker ticker, ThreadFactory threads) {
    this.model = model;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.gathering = new Gathering<>(maxBatch, maxQueueDelay.toNanos(), ticker,
        Request::enqueued);
    this.stats = stats;
    this.ticker = ticker;
    this.threads = threads;
    this.failures = new BatchFailures(ticker, () -> closed);
  }

  /** Starts the former, the runners and the completer; returns this. */
  public synchronized DynamicBatcher start() {
    if (started.isEmpty() && !closed) {
      completer = Executors.newSingleThreadExecutor(threads);
      started.add(threads.newThread(this::form));
      for (int i = 0; i < Math.max(1, model.parallelRuns()); i++) {
        started.add(threads.newThread(this::runBatches));
      }
      started.forEach(Thread::start);
    }
    return this;
  }

  /** Queues one image; the future completes with its depth map (outH×outW). */
  public DepthRequest<float[]> submit(DepthModel.Image image, int outH, int outW) {
    return enqueue(image, outH, outW, DepthModel.Batch::map, true);
  }

  /** As {@link #submit}, left out of the counters: the warm-up's, which serves no one. */
  DepthRequest<float[]> submitUncounted(DepthModel.Image image, int outH, int outW) {
    return enqueue(image, outH, outW, DepthModel.Batch::map, false);
  }

  /** As {@link #submit}, the map rounded to float16 as served (read straight from the model). */
  public DepthRequest<DepthMap> submitRounded(DepthModel.Image image, int outH, int outW) {
    return enqueue(image, outH, outW, DepthModel.Batch::rounded, true);
  }

  private <T> DepthRequest<T> enqueue(DepthModel.Image image, int outH, int outW,
      BiFunction<DepthModel.Batch, Integer, T> reader, boolean counted) {
    DepthRequest<T> f = new DepthRequest<>(stats);
    if (closed) {
      f.completeExceptionally(shutDown());
      return f;
    }
    if (waiting.incrementAndGet() > capacity || !queue.offer(new Request<>(
        new DepthModel.Job(image, outH, outW), ticker.read(), reader, f, counted))) {
      waiting.decrementAndGet();
      stats.recordRejected();
      throw new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, "the depth model's queue "
          + "is full (" + capacity + " requests waiting); slow down or raise queue_capacity");
    }
    return f;
  }

  /** Requests waiting for the model: queued, gathered into a batch or prepared. */
  public int queued() {
    return waiting.get();
  }

  /** Requests gathered into the batch being formed (not yet prepared nor running). */
  public int forming() {
    return gathering.forming();
  }

  /** The former: gathers requests; prepares a full batch while the model runs the last. */
  private void form() {
    List<Request<?>> full = null;
    try {
      while (!closed) {
        Request<?> r = queue.poll(Gathering.SLICE_NANOS, TimeUnit.NANOSECONDS);
        full = r == null ? null : gathering.add(r, queue);
        if (full != null) {
          Prepared p = prepare(full);
          full = null;
          if (!gathering.handOver(p)) {
            abandon(p);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (full != null) {
        fail(full, shutDown());
      }
    }
  }

  /** A runner: runs prepared batches back to back, or the gathered ones once they are due. */
  private void runBatches() {
    try {
      Gathering.Next<Request<?>, Prepared> next;
      while ((next = gathering.next()) != null) {
        Prepared p = next.due() != null ? prepare(next.due()) : next.prepared();
        if (p != null) {
          run(p);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Drops withdrawn (or otherwise completed) requests, takes the rest for good and fills the
   * model's input; null when nothing is left to run.
   */
  private Prepared prepare(List<Request<?>> requests) {
    List<Request<?>> live = new ArrayList<>(requests.size());
    List<DepthModel.Job> jobs = new ArrayList<>(requests.size());
    for (Request<?> r : requests) {
      if (!r.result().take()) {
        waiting.decrementAndGet(); // withdrawn: every caller is gone
      } else {
        live.add(r);
        jobs.add(r.job());
      }
    }
    if (live.isEmpty()) {
      return null;
    }
    try {
      return new Prepared(live, model.prepare(jobs));
    } catch (RuntimeException e) {
      waiting.addAndGet(-live.size());
      failures.input(live.size(), e);
      fail(live, closed ? shutDown() : e);
      return null;
    }
  }

  private void run(Prepared p) {
    List<Request<?>> batch = p.requests();
    long start = ticker.read();
    List<Request<?>> counted = batch.stream().filter(Request::counted).toList();
    counted.forEach(r -> stats.recordQueueDelay(start - r.enqueued()));
    waiting.addAndGet(-batch.size());
    try {
      p.batch().run();
    } catch (RuntimeException e) {
      p.batch().close();
      failures.ran(batch.size(), e);
      fail(batch, closed ? shutDown() : e); // the model closed under it: not the model's fault
      return;
    }
    // Counted before the completer completes anything, so a caller sees its batch counted.
    long took = ticker.read() - start;
    if (!counted.isEmpty()) { // not a warm-up's batch
      stats.recordBatch(counted.size(), took);
    }
    try {
      completer.execute(() -> complete(p));
    } catch (RejectedExecutionException e) {
      abandon(p);
    }
  }

  /** The completer: reads and checks every map of the batch, then completes the callers. */
  private void complete(Prepared p) {
    List<Request<?>> batch = p.requests();
    try {
      Object[] maps = new Object[batch.size()];
      for (int i = 0; i < maps.length; i++) {
        maps[i] = batch.get(i).reader().apply(p.batch(), i);
      }
      p.batch().close();
      FiniteDepth.check(model.name(), maps); // a NaN is never served nor cached
      for (int i = 0; i < maps.length; i++) {
        batch.get(i).complete(maps[i]);
      }
    } catch (RuntimeException e) {
      failures.output(batch.size(), e);
      fail(batch, closed ? shutDown() : e);
    } finally {
      p.batch().close();
    }
  }

  private void abandon(Prepared p) {
    if (p != null) {
      p.batch().close();
      fail(p.requests(), shutDown());
    }
  }

  private static void fail(List<Request<?>> requests, Throwable e) {
    requests.forEach(r -> r.result().completeExceptionally(e));
  }

  private static FgbgException shutDown() {
    return FgbgException.failedPrecondition("the depth model is shut down");
  }

  @Override
  public void close() {
    closed = true;
    Gathering.Left<Request<?>, Prepared> left = gathering.close();
    List<Thread> threads;
    synchronized (this) {
      threads = List.copyOf(started);
      threads.forEach(Thread::interrupt);
      if (completer != null) {
        completer.shutdown();
      }
    }
    List<Request<?>> queued = new ArrayList<>(left.gathered());
    queue.drainTo(queued);
    fail(queued, shutDown());
    abandon(left.prepared());
    // A run in progress is native and not interruptible: let it end before the model is closed.
    for (Thread t : threads) {
      if (t != Thread.currentThread()) {
        try {
          t.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
