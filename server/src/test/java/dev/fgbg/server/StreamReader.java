package dev.fgbg.server;

import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.StreamEpochRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client StreamEpoch call read at a chosen pace: it takes {@code take} messages and then
 * stalls, or keeps reading ({@code take} = -1). Latches say when it got its first message, its
 * {@code n}-th, or closed.
 */
public final class StreamReader {
  private final ClientCall<StreamEpochRequest, SampleBatch> call;
  private final boolean keepReading;
  public final AtomicLong messages = new AtomicLong();
  public final AtomicLong samples = new AtomicLong();
  public final CountDownLatch first = new CountDownLatch(1);
  public final CountDownLatch enough;
  public final CountDownLatch closed = new CountDownLatch(1);
  public volatile Status status;

  /**
   * @param take messages to ask for at first (0: none ever); -1 to keep asking for one more
   *     per message
   * @param enoughAt the message count that releases {@link #enough}
   */
  public StreamReader(Channel channel, StreamEpochRequest request, int take, int enoughAt,
      Duration deadline) {
    this.call = channel.newCall(FgbgGrpc.getStreamEpochMethod(), CallOptions.DEFAULT
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    this.keepReading = take < 0;
    this.enough = new CountDownLatch(1);
    long enoughAtCount = enoughAt;
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(SampleBatch message) {
        samples.addAndGet(message.getIndicesCount());
        long got = messages.incrementAndGet();
        synchronized (messages) {
          messages.notifyAll();
        }
        if (got >= enoughAtCount) {
          enough.countDown();
        }
        first.countDown();
        if (keepReading) {
          call.request(1);
        }
      }

      @Override
      public void onClose(Status s, Metadata trailers) {
        status = s;
        first.countDown();
        enough.countDown();
        closed.countDown();
      }
    }, new Metadata());
    if (keepReading || take > 0) {
      call.request(keepReading ? 2 : take); // take 0: never ask for a message
    }
    call.sendMessage(request);
    call.halfClose();
  }

  /** Asks for {@code n} more messages. */
  public void request(int n) {
    call.request(n);
  }

  /** Waits until {@code n} messages have arrived; false on timeout. */
  public boolean awaitMessages(long n, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (messages) {
      while (messages.get() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        messages.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  /** Cancels the call, as a trainer that is done with it. */
  public void cancel() {
    call.cancel("the test is done with it", null);
  }

  public static boolean await(CountDownLatch latch, Duration timeout) throws InterruptedException {
    return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
