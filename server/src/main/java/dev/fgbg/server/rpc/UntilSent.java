package dev.fgbg.server.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a unary reply holds (its bytes of the memory budget) until the transport has sent it: the
 * call closes once its message and status have gone out, or the client cancels. A reply waiting
 * on a client that does not read stays charged, so that replies queued in the transport are
 * bounded by the budget, as a stream's are by {@link CallSink}'s readiness. Thread-safe.
 */
final class UntilSent {
  private static final Runnable GONE = () -> { };

  /** Null, then what to release, then GONE once the call ended. */
  private final AtomicReference<Runnable> held = new AtomicReference<>();

  private UntilSent() {}

  /**
   * Watches {@code call}'s end; must run inside the service method (it installs the handlers).
   *
   * @param onCancel what else the client's cancel stops (the call's own work)
   * @param onSent what else follows once the call's status has gone out
   */
  static UntilSent watch(ServerCallStreamObserver<?> call, Runnable onCancel, Runnable onSent) {
    UntilSent u = new UntilSent();
    call.setOnCancelHandler(() -> {
      try {
        onCancel.run();
      } finally {
        u.end();
      }
    });
    call.setOnCloseHandler(() -> {
      try {
        onSent.run();
      } finally {
        u.end();
      }
    });
    return u;
  }

  /** Runs {@code release} once the reply has left (now, if the call has ended already). */
  void hold(Runnable release) {
    if (!held.compareAndSet(null, release)) {
      release.run(); // the call ended already
    }
  }

  private void end() {
    Runnable r = held.getAndSet(GONE);
    if (r != null) {
      r.run();
    }
  }
}
