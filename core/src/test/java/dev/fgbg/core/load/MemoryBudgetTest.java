package dev.fgbg.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private final MemoryBudget budget = MemoryBudget.of(100, Ticker.systemTicker());

  @Test
  void tryAcquireTakesOnlyFreeBytes() {
    assertTrue(budget.tryAcquire(60));
    assertFalse(budget.tryAcquire(50));
    assertTrue(budget.tryAcquire(40));
    assertEquals(100, budget.used());
    budget.release(60);
    assertEquals(40, budget.used());
    assertEquals(100, budget.peak());
  }

  @Test
  void waitersAreGrantedInArrivalOrderAndTryAcquireNeverOvertakesThem() {
    assertTrue(budget.tryAcquire(90));
    List<String> order = new ArrayList<>();
    CompletableFuture<Void> big = budget.acquire(80);
    CompletableFuture<Void> small = budget.acquire(10);
    big.thenRun(() -> order.add("big"));
    small.thenRun(() -> order.add("small"));
    assertEquals(2, budget.waiting());
    assertFalse(small.isDone(), "10 bytes are free, but the 80 before it come first");
    assertFalse(budget.tryAcquire(5), "no barging past a waiter");
    budget.release(90);
    assertEquals(List.of("big", "small"), order);
    assertEquals(90, budget.used());
    assertEquals(2, budget.waits());
    assertTrue(budget.used() <= budget.capacity());
  }

  @Test
  void aWaiterThatGivesUpLeavesTheQueueAndUnblocksThoseBehindIt() {
    assertTrue(budget.tryAcquire(50));
    CompletableFuture<Void> big = budget.acquire(80);
    CompletableFuture<Void> small = budget.acquire(30);
    assertFalse(small.isDone());
    big.cancel(false);
    assertTrue(small.isDone(), "the 30 bytes behind the cancelled 80 fit");
    assertEquals(80, budget.used(), "nothing was charged for the cancelled waiter");
    assertEquals(0, budget.waiting());
  }

  @Test
  void anAcquisitionThatFitsCompletesAtOnce() {
    CompletableFuture<Void> f = budget.acquire(100);
    assertTrue(f.isDone());
    assertEquals(0, budget.waits());
    budget.release(100);
    assertEquals(0, budget.used());
  }

  @Test
  void badAmountsAreRefusedNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> budget.acquire(101));
    assertTrue(e.getMessage().contains("101 bytes from a budget of 100"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> budget.tryAcquire(-1));
    IllegalStateException over = assertThrows(IllegalStateException.class,
        () -> budget.release(1));
    assertTrue(over.getMessage().contains("only 0 are held"), over.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemoryBudget.of(0, Ticker.systemTicker()));
  }
}
