package dev.fgbg.server.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/** A server call observer under the test's control: readiness, cancel, and what was sent. */
final class FakeServerCall<T> extends ServerCallStreamObserver<T> {
  final List<T> sent = new ArrayList<>();
  Throwable error;
  boolean completed;
  boolean ready = true;
  private boolean cancelled;
  private Runnable onReady = () -> { };
  private Runnable onCancel = () -> { };
  private Runnable onClose = () -> { };

  /** The client reads again: isReady turns true and the ready handler runs. */
  void becomeReady() {
    ready = true;
    onReady.run();
  }

  /** The client cancels (or its deadline passes). */
  void cancel() {
    cancelled = true;
    onCancel.run();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    onCancel = handler;
  }

  /** The status has gone out as soon as it is given (a client that reads at once). */
  @Override
  public void setOnCloseHandler(Runnable handler) {
    onClose = handler;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public boolean isReady() {
    return ready && !cancelled;
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    onReady = handler;
  }

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void onNext(T value) {
    if (completed || error != null) {
      throw new IllegalStateException("onNext after the call ended");
    }
    sent.add(value);
  }

  @Override
  public void onError(Throwable t) {
    if (completed || error != null) {
      throw new IllegalStateException("onError after the call ended");
    }
    error = t;
    onClose.run();
  }

  @Override
  public void onCompleted() {
    if (completed || error != null) {
      throw new IllegalStateException("onCompleted after the call ended");
    }
    completed = true;
    onClose.run();
  }
}
