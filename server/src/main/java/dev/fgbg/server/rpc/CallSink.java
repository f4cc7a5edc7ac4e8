package dev.fgbg.server.rpc;

import dev.fgbg.core.deliver.Delivery;
import dev.fgbg.core.deliver.DeliveryBuilder;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.deliver.Sink;
import dev.fgbg.server.admission.StreamSlots;
import dev.fgbg.server.status.ServerStopping;
import dev.fgbg.server.status.Statuses;
import dev.fgbg.server.stop.Draining;
import dev.fgbg.server.stop.OneEnd;
import dev.fgbg.v1.SampleBatch;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.CancellationException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A delivery's end in a server-streaming call: the only gRPC part of a stream's body. Pieces go
 * out as messages while the call {@code isReady()}; {@code onReady} and the client's cancel go to
 * the delivery; the stream ends with the status {@link Statuses} gives its cause, after the
 * delivery gave back what it held and {@code onEnd} ran (its ring). Its slot of the stream caps
 * is a policy around the call ({@link StreamSlots}).
 */
final class CallSink<T> implements Sink<T> {
  private static final Logger LOG = Logger.getLogger(CallSink.class.getName());

  private final ServerCallStreamObserver<SampleBatch> call;
  private final BiFunction<Piece, T, SampleBatch> toMessage;
  private final StreamStats stats;
  private final Runnable onEnd;
  private final Draining draining;
  /** The stream's end: its own, or the stop's when it did not stop in time. */
  private final OneEnd once = new OneEnd();
  private long sent;

  private CallSink(ServerCallStreamObserver<SampleBatch> call,
      BiFunction<Piece, T, SampleBatch> toMessage, StreamStats stats, Runnable onEnd,
      Draining draining) {
    this.call = call;
    this.toMessage = toMessage;
    this.stats = stats;
    this.onEnd = onEnd;
    this.draining = draining;
  }

  /**
   * Starts a delivery into {@code call}; must run inside the service method (it installs the
   * handlers).
   *
   * @param onEnd runs once when the stream ends, however it ends
   * @param draining where the stream is stopped from when the server's grace runs out
   * @param delivery the delivery, given the sink
   */
  static <T> Delivery<T> stream(ServerCallStreamObserver<SampleBatch> call,
      BiFunction<Piece, T, SampleBatch> toMessage, StreamStats stats, Runnable onEnd,
      Draining draining, Function<Sink<T>, DeliveryBuilder<T>> delivery) {
    CallSink<T> sink = new CallSink<>(call, toMessage, stats, onEnd, draining);
    Delivery<T> d = delivery.apply(sink).events(stats.streamEvents()).build();
    stats.started();
    call.setOnCancelHandler(d::cancel);
    call.setOnReadyHandler(d::pump);
    // A stream whose renders do not stop in time (queued behind others on a busy pool) is
    // ended in words by the stop, before the transport's cancel would reset it.
    Runnable untrack = draining.track(d::cancel, () -> sink.once.end(() -> sink.call.onError(
        stopped())));
    d.done().whenComplete((v, e) -> untrack.run());
    return d.start();
  }

  @Override
  public boolean ready() {
    return !once.ended() && call.isReady();
  }

  @Override
  public void deliver(Piece piece, T value) {
    SampleBatch m = toMessage.apply(piece, value);
    if (once.send(() -> call.onNext(m))) {
      sent++;
      stats.sent(m.getIndicesCount());
    }
  }

  @Override
  public void ended(Throwable cause) {
    try {
      onEnd.run();
    } catch (RuntimeException e) {
      // A bug in giving resources back must not leave the client waiting for its status.
      LOG.log(Level.WARNING, "giving back a stream's resources failed", e);
    }
    once.end(() -> close(cause));
  }

  private void close(Throwable cause) {
    if (cause == null) {
      call.onCompleted();
    } else if (call.isCancelled()) {
      // Cancelling is a client's right: one debug line, never a warning or a trace.
      LOG.fine(() -> "StreamEpoch cancelled by the client after " + sent + " messages");
      stats.cancelled(); // after everything is given back, for whoever waits on the counter
    } else if (cause instanceof CancellationException && draining.stopping()) {
      call.onError(stopped());
    } else {
      call.onError(Statuses.toStatus(cause instanceof CancellationException
          ? new CancellationException("the stream was stopped") : cause));
    }
  }

  private static StatusRuntimeException stopped() {
    return Statuses.toStatus(new ServerStopping("stream", "a client of several replicas "
        + "resumes it on another; else resume it from where it stopped once the server is "
        + "back"));
  }
}
