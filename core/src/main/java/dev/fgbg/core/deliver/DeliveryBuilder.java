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
  boolean slowStart;
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

  /**
   * Charges {@code bytesPerSample} a sample rendered to {@code budget} until drained, for a
   * client's stream: its pieces start small and grow with what the client has read
   * ({@link Credits}), so a client that never reads holds little.
   */
  public DeliveryBuilder<T> budget(MemoryBudget budget, long bytesPerSample) {
    return charged(budget, bytesPerSample, true);
  }

  /**
   * As {@link #budget}, for a sink in this process that takes each piece as it is delivered (a
   * cache): no client can leave it unread, so its pieces are whole from the first, not slow
   * started (pieces of one sample would reach a teacher's model one image at a time).
   */
  public DeliveryBuilder<T> budgetTakenAtOnce(MemoryBudget budget, long bytesPerSample) {
    return charged(budget, bytesPerSample, false);
  }

  private DeliveryBuilder<T> charged(MemoryBudget budget, long bytesPerSample,
      boolean slowStart) {
    this.budget = budget;
    this.sampleBytes = bytesPerSample;
    this.slowStart = slowStart;
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
