package dev.fgbg.core.deliver;

/**
 * A credit a piece needs besides the window and the memory budget, such as its shared-memory
 * slot being free.
 */
@FunctionalInterface
public interface Gate {

  /**
   * Whether piece {@code seq} may start now. When it may not, the gate runs {@code retry} once
   * it may (or once it should look again); an exception fails the delivery.
   */
  boolean open(long seq, Runnable retry) throws Exception;
}
