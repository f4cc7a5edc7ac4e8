package dev.fgbg.server;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An asynchronous client call started in its own cancellable context: what it answered, a latch
 * for its end, and {@link #cancel()} as a client that goes away.
 */
public final class CallOutcome<T> implements StreamObserver<T> {
  private final Context.CancellableContext context = Context.current().withCancellation();
  public final CountDownLatch closed = new CountDownLatch(1);
  private CountDownLatch anyClosed = new CountDownLatch(0);
  public volatile T last;
  public volatile Status status;

  /** Starts {@code call} (e.g. {@code o -> stub.stats(request, o)}) with this as its observer. */
  public static <T> CallOutcome<T> start(Consumer<StreamObserver<T>> call) {
    return start(call, new CountDownLatch(0));
  }

  /** As {@link #start(Consumer)}, counting {@code closes} down when the call ends. */
  public static <T> CallOutcome<T> start(Consumer<StreamObserver<T>> call, CountDownLatch closes) {
    CallOutcome<T> o = new CallOutcome<>();
    o.anyClosed = closes;
    o.context.run(() -> call.accept(o));
    return o;
  }

  @Override
  public void onNext(T value) {
    last = value;
  }

  @Override
  public void onError(Throwable t) {
    status = Status.fromThrowable(t);
    closed.countDown();
    anyClosed.countDown();
  }

  @Override
  public void onCompleted() {
    status = Status.OK;
    closed.countDown();
    anyClosed.countDown();
  }

  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  public boolean await(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void cancel() {
    context.cancel(null);
  }
}
