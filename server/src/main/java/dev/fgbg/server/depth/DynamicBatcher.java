package dev.fgbg.server.depth;

import dev.fgbg.server.FgbgException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One model's request queue, in the manner of Triton's dynamic batcher: a single runner takes
 * the oldest request, waits at most {@code maxQueueDelay} for more (up to {@code maxBatch}),
 * runs them as one batch, and completes each request's future. The queue is bounded: a full
 * queue rejects at once with RESOURCE_EXHAUSTED. A request whose future was cancelled (its caller
 * is gone) is dropped before it is run.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DynamicBatcher.class.getName());

  private record Request(DepthModel.Image image, int outH, int outW, long enqueued,
      CompletableFuture<float[]> result) {}

  private final DepthModel model;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final BlockingQueue<Request> queue;
  private final DepthStats stats;
  private final Thread runner;
  private volatile boolean closed;

  public DynamicBatcher(DepthModel model, int maxBatch, Duration maxQueueDelay, int capacity,
      DepthStats stats) {
    this.model = model;
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxQueueDelay.toNanos();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.stats = stats;
    this.runner = new Thread(this::run, "fgbg-depth-batcher");
    runner.setDaemon(true);
    runner.start();
  }

  /** Queues one image; the future completes with its depth map (outH×outW). */
  public CompletableFuture<float[]> submit(DepthModel.Image image, int outH, int outW) {
    CompletableFuture<float[]> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(FgbgException.failedPrecondition("the depth model is shut down"));
      return f;
    }
    if (!queue.offer(new Request(image, outH, outW, System.nanoTime(), f))) {
      stats.rejected.incrementAndGet();
      throw new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, "the depth model's queue "
          + "is full (" + queue.size() + " requests waiting); slow down or raise queue_capacity");
    }
    return f;
  }

  public int queued() {
    return queue.size();
  }

  private void run() {
    List<Request> batch = new ArrayList<>(maxBatch);
    while (!closed) {
      try {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.clear();
        batch.add(first);
        long deadline = first.enqueued + maxDelayNanos;
        while (batch.size() < maxBatch) {
          long wait = deadline - System.nanoTime();
          Request next = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
          if (next == null) {
            break;
          }
          batch.add(next);
        }
        batch.removeIf(r -> r.result.isDone()); // cancelled or expired callers
        if (!batch.isEmpty()) {
          runBatch(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void runBatch(List<Request> batch) {
    long start = System.nanoTime();
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
      stats.inferenceNanos.addAndGet(System.nanoTime() - start);
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result.complete(maps[i]);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "depth inference failed for a batch of " + batch.size(), e);
      for (Request r : batch) {
        r.result.completeExceptionally(e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    runner.interrupt();
    Request r;
    while ((r = queue.poll()) != null) {
      r.result.completeExceptionally(FgbgException.failedPrecondition("the depth model is shut down"));
    }
  }
}
