package dev.fgbg.core.depth;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One model's request queue, in the manner of Triton's dynamic batcher: a single runner takes
 * the oldest request, waits until {@code maxQueueDelay} after it was queued (by the ticker) for
 * more (up to {@code maxBatch}), runs them as one batch, and completes each request's future.
 * The queue is bounded: a full queue rejects at once with RESOURCE_EXHAUSTED. A request whose
 * future was cancelled (its caller is gone) is dropped before it is run.
 *
 * <p>Nothing runs until {@link #start()}; the runner thread comes from the injected factory.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DynamicBatcher.class.getName());
  /** Longest single wait, so that a ticker moved by a test is noticed promptly. */
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private record Request(DepthModel.Image image, int outH, int outW, long enqueued,
      CompletableFuture<float[]> result) {}

  private final DepthModel model;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final BlockingQueue<Request> queue;
  private final DepthStats stats;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private volatile Thread runner;
  private volatile int forming;
  private volatile boolean closed;

  public DynamicBatcher(DepthModel model, int maxBatch, Duration maxQueueDelay, int capacity,
      DepthStats stats, Ticker ticker, ThreadFactory threads) {
    this.model = model;
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxQueueDelay.toNanos();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.stats = stats;
    this.ticker = ticker;
    this.threads = threads;
  }

  /** Starts the runner; returns this. */
  public synchronized DynamicBatcher start() {
    if (runner == null && !closed) {
      runner = threads.newThread(this::run);
      runner.start();
    }
    return this;
  }

  /** Queues one image; the future completes with its depth map (outH×outW). */
  public CompletableFuture<float[]> submit(DepthModel.Image image, int outH, int outW) {
    CompletableFuture<float[]> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(FgbgException.failedPrecondition("the depth model is shut down"));
      return f;
    }
    if (!queue.offer(new Request(image, outH, outW, ticker.read(), f))) {
      stats.rejected.incrementAndGet();
      throw new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, "the depth model's queue "
          + "is full (" + queue.size() + " requests waiting); slow down or raise queue_capacity");
    }
    return f;
  }

  /** Requests waiting in the queue. */
  public int queued() {
    return queue.size();
  }

  /** Requests taken off the queue into the batch the runner is gathering (not yet running). */
  public int forming() {
    return forming;
  }

  private void run() {
    List<Request> batch = new ArrayList<>(maxBatch);
    try {
      while (!closed) {
        Request first = queue.poll(SLICE_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        forming = 1;
        long deadline = first.enqueued + maxDelayNanos;
        while (batch.size() < maxBatch && !closed) {
          long wait = deadline - ticker.read();
          if (wait <= 0) {
            Request next = queue.poll();
            if (next == null) {
              break;
            }
            batch.add(next);
          } else {
            Request next = queue.poll(Math.min(wait, SLICE_NANOS), TimeUnit.NANOSECONDS);
            if (next != null) {
              batch.add(next);
            }
          }
          forming = batch.size();
        }
        forming = 0;
        batch.removeIf(r -> r.result.isDone()); // cancelled or expired callers
        if (!batch.isEmpty()) {
          runBatch(batch);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (Request r : batch) {
        r.result.completeExceptionally(FgbgException.failedPrecondition(
            "the depth model is shut down"));
      }
    }
  }

  private void runBatch(List<Request> batch) {
    long start = ticker.read();
    List<DepthModel.Image> images = new ArrayList<>(batch.size());
    for (Request r : batch) {
      images.add(r.image);
      long d = start - r.enqueued;
      stats.queueDelayNanos.addAndGet(d);
      stats.maxQueueDelayNanos.accumulateAndGet(d, Math::max);
    }
    try {
      // Requests of one batch share the output size (one dataset); group otherwise.
      int outH = batch.get(0).outH;
      int outW = batch.get(0).outW;
      boolean same = batch.stream().allMatch(r -> r.outH == outH && r.outW == outW);
      float[][] maps = new float[batch.size()][];
      if (same) {
        maps = model.infer(images, outH, outW);
      } else {
        for (int i = 0; i < batch.size(); i++) {
          Request r = batch.get(i);
          maps[i] = model.infer(List.of(r.image), r.outH, r.outW)[0];
        }
      }
      // Count before completing: completion runs the callers' continuations on this thread.
      stats.runs.incrementAndGet();
      stats.inferred.addAndGet(batch.size());
      stats.maxBatchSeen.accumulateAndGet(batch.size(), Math::max);
      long took = ticker.read() - start;
      stats.inferenceNanos.addAndGet(took);
      stats.batchRan(batch.size(), took);
      FiniteDepth.check(model.name(), maps); // a NaN is never served nor cached
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result.complete(maps[i]);
      }
    } catch (FgbgException e) {
      LOG.warning("depth batch of " + batch.size() + " failed: " + e.getMessage());
      for (Request r : batch) {
        r.result.completeExceptionally(e);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "depth inference failed for a batch of " + batch.size(), e);
      for (Request r : batch) {
        r.result.completeExceptionally(e);
      }
    }
    batch.clear();
  }

  /**
   * Stops the runner and fails what is queued. Returns once the runner has finished the batch
   * it was running (at most 30 s), so that the model can be closed after: a native session
   * closed under a running batch crashes the process.
   */
  @Override
  public void close() {
    closed = true;
    Thread t = runner;
    if (t != null) {
      t.interrupt();
      if (t != Thread.currentThread()) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    Request r;
    while ((r = queue.poll()) != null) {
      r.result.completeExceptionally(FgbgException.failedPrecondition("the depth model is shut down"));
    }
  }
}
