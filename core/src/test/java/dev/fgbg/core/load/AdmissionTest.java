package dev.fgbg.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.FgbgException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private final Admission admission = Admission.of("Stats requests",
      new NamedLimit("--max-stats", 2), new NamedLimit("--stats-queue", 1));

  @Test
  void admitsUpToTheCapQueuesUpToTheQueueAndRefusesTheRestNamingTheLimits() {
    CompletableFuture<Admission.Permit> a = admission.admit();
    CompletableFuture<Admission.Permit> b = admission.admit();
    CompletableFuture<Admission.Permit> c = admission.admit();
    CompletableFuture<Admission.Permit> d = admission.admit();
    assertTrue(a.isDone() && b.isDone());
    assertFalse(c.isDone(), "the third waits");
    assertEquals(2, admission.running());
    assertEquals(1, admission.queued());
    FgbgException e = (FgbgException) assertFailed(d);
    assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason());
    assertEquals("too many Stats requests: 2 running and 1 queued, the most allowed (--max-stats"
        + " = 2, --stats-queue = 1); try again later", e.getMessage());
    assertEquals(1, admission.refused());

    a.join().close();
    assertTrue(c.isDone(), "a closed permit goes to the oldest waiter");
    a.join().close(); // closing twice frees one slot only
    assertEquals(2, admission.running());
    assertEquals(3, admission.admitted());
    b.join().close();
    c.join().close();
    assertEquals(0, admission.running());
  }

  /**
   * A permit handed from the one running to the one queued is counted running throughout: a
   * call refused meanwhile hears "1 running and 1 queued", as many as hold and wait (3 refusals
   * of 38,000 Gallery requests said "0 running" while the permit was between the two).
   */
  @Test
  void aRefusalDuringAHandOverCountsThePermitRunning() throws Exception {
    Admission one = Admission.of("Gallery requests", new NamedLimit("--max-galleries", 1),
        new NamedLimit("--gallery-queue", 1));
    AtomicBoolean done = new AtomicBoolean();
    Thread handing = new Thread(() -> {
      Admission.Permit held = one.admit().join();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end) {
        CompletableFuture<Admission.Permit> next;
        do {
          next = one.admit(); // the prober's own may hold the queue's place a moment
        } while (next.isCompletedExceptionally());
        held.close();
        held = next.join();
      }
      held.close();
      done.set(true);
    });
    handing.start();
    Set<String> said = new TreeSet<>();
    while (!done.get()) {
      CompletableFuture<Admission.Permit> f = one.admit();
      if (f.isCompletedExceptionally()) {
        said.add(assertFailed(f).getMessage().replaceAll(", the most.*", ""));
      } else if (!f.cancel(false)) {
        f.join().close(); // granted: handed on
      }
    }
    handing.join();
    assertEquals(Set.of("too many Gallery requests: 1 running and 1 queued"), said);
  }

  @Test
  void aWaiterThatGivesUpNeverRuns() {
    Admission one = Admission.of("exports", new NamedLimit("--max-exports", 1),
        new NamedLimit("--export-queue", 4));
    Admission.Permit running = one.admit().join();
    CompletableFuture<Admission.Permit> gone = one.admit();
    CompletableFuture<Admission.Permit> next = one.admit();
    assertTrue(gone.cancel(false));
    assertEquals(1, one.queued(), "the cancelled waiter left the queue");
    running.close();
    assertTrue(gone.isCancelled());
    assertTrue(next.isDone() && !next.isCompletedExceptionally());
    assertEquals(2, one.admitted(), "the cancelled one was never admitted");
  }

  @Test
  void aClientHoldsAtMostItsShareAndTheOthersRunBeforeTheRestOfItsBurst() {
    // No share of the running places here (both may be the hog's): the queue's order alone.
    Admission shared = Admission.of("Stats requests", new NamedLimit("--max-stats", 2),
        new NamedLimit("--stats-queue", 4), new Share(new NamedLimit("half", 3),
        new NamedLimit("--max-stats", 2)));
    CompletableFuture<Admission.Permit> hog1 = shared.admit("hog");
    CompletableFuture<Admission.Permit> hog2 = shared.admit("hog");
    CompletableFuture<Admission.Permit> hog3 = shared.admit("hog");
    FgbgException e = (FgbgException) assertFailed(shared.admit("hog"));
    assertEquals(FgbgException.Reason.RESOURCE_EXHAUSTED, e.reason());
    assertEquals("client hog has 3 Stats requests running or queued, the most one client may "
        + "have (half = 3, so that other clients find room); try again when one ends",
        e.getMessage());
    CompletableFuture<Admission.Permit> other = shared.admit("other");
    assertFalse(hog3.isDone() || other.isDone(), "both queued, in the room the hog left");
    hog1.join().close();
    assertTrue(other.isDone(), "the other client, running none, goes first");
    assertFalse(hog3.isDone(), "the hog's third waits: the hog runs one already");
    CompletableFuture<Admission.Permit> hog4 = shared.admit("hog");
    assertFalse(hog4.isDone(), "a closed permit gives the share back");
    other.join().close();
    assertTrue(hog3.isDone() && !hog4.isDone(), "then the hog's, oldest first");
    for (CompletableFuture<Admission.Permit> p : List.of(hog2, hog3, hog4)) {
      p.join().close();
    }
    assertEquals(0, shared.running());
    assertEquals(0, shared.queued());
    for (int i = 0; i < 3; i++) {
      assertFalse(shared.admit("hog").isCompletedExceptionally(), "its whole share again");
    }
  }

  /**
   * Half the running places, rounded up, once another client is there: alone, a client uses
   * every place (one export alone runs on the whole capacity); another client then runs at once
   * beside the borrowed place, which retires when its run ends, and the first client's next
   * waits for one of its own to end (a client holding both running places kept others waiting
   * without limit behind its long Stats).
   */
  @Test
  void aClientAloneUsesEveryPlaceAndAnotherRunsAtOnceBesideTheBorrowedOne() {
    Admission half = Admission.of("Stats requests", new NamedLimit("--max-stats", 2),
        new NamedLimit("--stats-queue", 16), Share.half(new NamedLimit("--max-stats", 2),
        new NamedLimit("--stats-queue", 16)));
    CompletableFuture<Admission.Permit> hog1 = half.admit("hog");
    CompletableFuture<Admission.Permit> hog2 = half.admit("hog");
    assertTrue(hog1.isDone() && hog2.isDone(), "alone, the hog runs on both places");
    CompletableFuture<Admission.Permit> hog3 = half.admit("hog");
    assertFalse(hog3.isDone(), "no place free");
    CompletableFuture<Admission.Permit> other = half.admit("other");
    assertTrue(other.isDone(), "the other client runs at once, beside the lent place");
    assertEquals(3, half.running());
    CompletableFuture<Admission.Permit> third = half.admit("third");
    assertFalse(third.isDone(), "one place was lent: one runs beside it");
    other.join().close();
    assertTrue(third.isDone() && !hog3.isDone(), "the place goes to a client running none");
    hog1.join().close();
    assertEquals(2, half.running(), "the borrowed place retired");
    assertFalse(hog3.isDone(), "the hog runs its share while others run");
    CompletableFuture<Admission.Permit> anon = half.admit();
    assertFalse(anon.isDone(), "the server's own wait only for a place");
    third.join().close();
    assertTrue(anon.isDone(), "a client running none, before the hog running its share");
    anon.join().close();
    assertTrue(hog3.isDone(), "alone again: the hog takes the place freed");
    hog2.join().close();
    hog3.join().close();
    assertEquals(0, half.running());
    assertEquals(0, half.queued());

    Admission noQueue = Admission.of("exports", new NamedLimit("--max-exports", 4),
        new NamedLimit("--export-queue", 0), Share.half(new NamedLimit("--max-exports", 4),
        new NamedLimit("--export-queue", 0)));
    assertTrue(noQueue.admit("other").isDone());
    assertTrue(noQueue.admit("hog").isDone() && noQueue.admit("hog").isDone());
    FgbgException e = (FgbgException) assertFailed(noQueue.admit("hog"));
    assertEquals("client hog runs 2 exports, the most one client may run at once (half of"
        + " --max-exports, rounded up = 2), and the queue is full (--export-queue = 0); try again"
        + " when one ends", e.getMessage());
    // A place past the cap freed by the one who ran beside is not lent again: it retires.
    Admission over = Admission.of("exports", new NamedLimit("--max-exports", 2),
        new NamedLimit("--export-queue", 4), Share.half(new NamedLimit("--max-exports", 2),
        new NamedLimit("--export-queue", 4)));
    CompletableFuture<Admission.Permit> lent1 = over.admit("hog");
    CompletableFuture<Admission.Permit> lent2 = over.admit("hog");
    CompletableFuture<Admission.Permit> waits = over.admit("hog");
    CompletableFuture<Admission.Permit> beside = over.admit("other");
    assertTrue(beside.isDone() && !waits.isDone());
    beside.join().close();
    assertEquals(2, over.running(), "the hog, alone again, on the places of the cap");
    assertFalse(waits.isDone());
    lent1.join().close();
    assertTrue(waits.isDone(), "then its next");
    lent2.join().close();
    waits.join().close();
    assertEquals(0, over.running());
    Admission alone = Admission.of("exports", new NamedLimit("--max-exports", 4),
        new NamedLimit("--export-queue", 0), Share.half(new NamedLimit("--max-exports", 4),
        new NamedLimit("--export-queue", 0)));
    for (int i = 0; i < 4; i++) {
      assertTrue(alone.admit("hog").isDone(), "alone, past the share of places held too");
    }
  }

  private static Throwable assertFailed(CompletableFuture<?> f) {
    try {
      f.join();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failed future");
  }
}
