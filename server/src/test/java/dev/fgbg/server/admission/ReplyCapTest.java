package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The cap on what all GetSamples replies hold: a connection's first always passes. */
class ReplyCapTest {

  @Test
  void aConnectionHoldingNoReplyAlwaysPassesOneHoldingSomeWaitsForRoomOrItsOwn() {
    ReplyCap cap = new ReplyCap(100);
    assertTrue(cap.acquire("a", 60).isDone());
    CompletableFuture<Void> a2 = cap.acquire("a", 60);
    assertFalse(a2.isDone(), "a holds one reply and there is no room for its second");
    assertTrue(cap.acquire("b", 60).isDone(), "b holds none: a newcomer passes over the cap");
    assertEquals(120, cap.used());

    cap.release("b", 60);
    assertFalse(a2.isDone(), "60 + 60 is still over the cap");
    cap.release("a", 60);
    assertTrue(a2.isDone(), "a's own reply went out: it holds none now");
    assertEquals(60, cap.used());
  }

  @Test
  void aWaiterThatLeavesHoldsNothing() {
    ReplyCap cap = new ReplyCap(100);
    assertTrue(cap.acquire("a", 80).isDone());
    CompletableFuture<Void> a2 = cap.acquire("a", 80);
    a2.cancel(false);
    cap.release("a", 80);
    assertEquals(0, cap.used(), "the cancelled waiter was not granted");
    assertTrue(cap.acquire("a", 80).isDone());
  }
}
