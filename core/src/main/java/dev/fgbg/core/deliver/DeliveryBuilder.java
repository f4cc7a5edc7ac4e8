package dev.fgbg.core.deliver;

import dev.fgbg.core.load.MemoryBudget;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * How a delivery runs. Defaults: one piece in flight, pieces of a whole batch, no budget, no
 * gate, never cancelled from outside, no events.
 */
public final class DeliveryBuilder<T> {
  final Plan plan;
  final Work<T> work;
  final Sink<T> sink;
  final Executor lane;
  int window = 1;
  int maxPieceSamples;
  MemoryBudget budget;
  long sampleBytes;
  Gate gate;
  BooleanSupplier cancelledWhen = () -> false;
  Events events = Events.NONE;

  DeliveryBuilder(Plan plan, Work<T> work, Sink<T> sink, Executor lane) {
    this.plan = plan;
    this.work = work;
    this.sink = sink;
    this.lane = lane;
    this.maxPieceSamples = plan.batchSize();
  }

  /** Pieces in flight (rendering, or done and not yet delivered) at most. */
  public DeliveryBuilder<T> window(int pieces) {
    if (pieces < 1) {
      throw new IllegalArgumentException("window must be at least 1, got " + pieces);
    }
    this.window = pieces;
    return this;
  }

  /** Samples per piece at most (a message-size bound); a batch is cut into such pieces. */
  public DeliveryBuilder<T> pieceSamples(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("pieceSamples must be at least 1, got " + max);
    }
    this.maxPieceSamples = max;
    return this;
  }

  /** Charges {@code bytesPerSample} a sample rendered to {@code budget} until drained. */
  public DeliveryBuilder<T> budget(MemoryBudget budget, long bytesPerSample) {
    this.budget = budget;
    this.sampleBytes = bytesPerSample;
    return this;
  }

  public DeliveryBuilder<T> gate(Gate gate) {
    this.gate = gate;
    return this;
  }

  /** Ends the delivery as cancelled once {@code cancelled} turns true (looked at as it goes). */
  public DeliveryBuilder<T> cancelledWhen(BooleanSupplier cancelled) {
    this.cancelledWhen = cancelled;
    return this;
  }

  public DeliveryBuilder<T> events(Events events) {
    this.events = events;
    return this;
  }

  /** The delivery, not started. */
  public Delivery<T> build() {
    return new Delivery<>(this);
  }

  /** The delivery, started. */
  public Delivery<T> start() {
    return build().start();
  }
}
