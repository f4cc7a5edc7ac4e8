package dev.fgbg.core.load;

import dev.fgbg.core.FgbgException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Admission} with a queue and a count per client of what it holds, running or waiting. A
 * freed permit goes to the oldest waiter of the clients running fewest (so a client queued
 * behind another's burst runs next, not after it); futures are completed outside the lock. A
 * client running its share waits even with a place free while another client holds or waits,
 * so the queue may hold waiters while places are free: only such capped ones. A client alone
 * borrows the free places beyond its share; a client that comes meanwhile, within its share,
 * runs at once beside the borrowed runs (over the cap by at most what is borrowed), and a
 * borrowed run that ends retires its place instead of handing it on, until the cap holds again.
 */
final class BoundedAdmission implements Admission {
  private final String what;
  private final NamedLimit maxRunning;
  private final NamedLimit maxQueued;
  private final NamedLimit perClient;
  private final NamedLimit runningPerClient;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Map<String, Integer> byClient = new HashMap<>();
  private final Map<String, Integer> runningBy = new HashMap<>();
  private int running;
  private long admitted;
  private long refused;

  private record Waiter(CompletableFuture<Permit> future, String client) {}

  BoundedAdmission(String what, NamedLimit maxRunning, NamedLimit maxQueued,
      Share share) {
    for (NamedLimit l : new NamedLimit[] {maxRunning, share.held(), share.running()}) {
      if (l.value() < 1) {
        throw new IllegalArgumentException(l.name() + " must be at least 1, got " + l.value());
      }
    }
    this.what = what;
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
    this.perClient = share.held();
    this.runningPerClient = share.running();
  }

  @Override
  public CompletableFuture<Permit> admit(String client) {
    Waiter waiter;
    synchronized (this) {
      int mine = client == null ? 0 : byClient.getOrDefault(client, 0);
      boolean free = running < maxRunning.value();
      boolean alone = alone(client);
      boolean borrows = free && capped(client) && alone;
      // Within its share with every place taken, some of them lent: it runs beside them.
      boolean beside = !free && client != null && !capped(client)
          && running - maxRunning.value() < borrowed();
      boolean now = free && (!capped(client) || alone) || beside;
      if (!now && queue.size() >= maxQueued.value()) {
        refused++;
        if (free) { // only its own runs keep it from a free place
          return CompletableFuture.failedFuture(exhausted("client " + client + " runs "
              + runningBy.get(client) + " " + what + ", the most one client may run at once ("
              + runningPerClient + "), and the queue is full (" + maxQueued + "); try again when"
              + " one ends"));
        }
        return CompletableFuture.failedFuture(exhausted("too many " + what + ": " + running
            + " running and " + queue.size() + " queued, the most allowed (" + maxRunning + ", "
            + maxQueued + "); try again later"));
      }
      if (mine >= perClient.value() && !borrows) {
        refused++;
        return CompletableFuture.failedFuture(exhausted("client " + client + " has " + mine
            + " " + what + " running or queued, the most one client may have (" + perClient
            + ", so that other clients find room); try again when one ends"));
      }
      if (client != null) {
        byClient.put(client, mine + 1);
      }
      if (now) {
        running++;
        admitted++;
        add(runningBy, client, 1);
        return CompletableFuture.completedFuture(new Slot(client));
      }
      waiter = new Waiter(new CompletableFuture<>(), client);
      queue.add(waiter);
    }
    waiter.future.whenComplete((p, e) -> {
      if (waiter.future.isCancelled()) {
        synchronized (this) {
          if (queue.remove(waiter)) {
            release(client);
          }
        }
      }
    });
    return waiter.future;
  }

  private static FgbgException exhausted(String message) {
    return new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, message);
  }

  /** Under the lock: {@code client} holds one less. */
  private void release(String client) {
    add(byClient, client, -1);
  }

  private static void add(Map<String, Integer> counts, String client, int n) {
    if (client != null) {
      counts.merge(client, n, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  /** Under the lock: whether {@code client} runs its share of the places already. */
  private boolean capped(String client) {
    return client != null && runningBy.getOrDefault(client, 0) >= runningPerClient.value();
  }

  /** Under the lock: whether no other client holds or waits (the server's own aside). */
  private boolean alone(String client) {
    return client != null && byClient.keySet().stream().allMatch(client::equals);
  }

  /** Under the lock: the places clients run beyond their share (borrowed while alone). */
  private int borrowed() {
    int b = 0;
    for (int r : runningBy.values()) {
      b += Math.max(0, r - runningPerClient.value());
    }
    return b;
  }

  /**
   * Under the lock: the oldest waiter among the clients running fewest, or null when there is
   * none or every waiter's client runs its share already (and is not alone, free to borrow).
   */
  private Waiter fairest() {
    Waiter best = null;
    int fewest = runningPerClient.value();
    boolean over = running > maxRunning.value(); // a place past the cap is never lent again
    for (Waiter w : queue) {
      int r = w.client == null ? 0 : runningBy.getOrDefault(w.client, 0);
      if (r < fewest || best == null && !over && alone(w.client)) {
        best = w;
        fewest = Math.min(r, fewest);
      }
    }
    return best;
  }

  /**
   * The freed permit goes to the fairest waiter in the same hold of the lock that frees it (and
   * on to the next when that one gave up meanwhile): between the two, a refusal would count
   * one running fewer than hold a permit (a Gallery refused during a hand-over said "0 running").
   */
  private void next(String done) {
    Waiter waiter;
    synchronized (this) {
      // A borrowed run ending while others run beside the lent places retires its place.
      boolean retire = running > maxRunning.value() && done != null
          && runningBy.getOrDefault(done, 0) > runningPerClient.value();
      release(done);
      add(runningBy, done, -1);
      if (retire) {
        running--;
        return;
      }
      waiter = handOver();
    }
    while (waiter != null) {
      if (waiter.future.complete(new Slot(waiter.client))) {
        return;
      }
      synchronized (this) {
        admitted--; // it gave up just now: the permit goes to the next one
        release(waiter.client);
        add(runningBy, waiter.client, -1);
        waiter = handOver();
      }
    }
  }

  /** Under the lock: the fairest waiter, which takes the permit just freed; else it is free. */
  private Waiter handOver() {
    Waiter waiter = fairest();
    if (waiter == null) {
      running--;
      return null;
    }
    queue.remove(waiter);
    admitted++;
    add(runningBy, waiter.client, 1);
    return waiter;
  }

  @Override
  public synchronized int running() {
    return running;
  }

  @Override
  public synchronized int queued() {
    return queue.size();
  }

  @Override
  public synchronized long admitted() {
    return admitted;
  }

  @Override
  public synchronized long refused() {
    return refused;
  }

  private final class Slot implements Permit {
    private final String client;
    private final AtomicBoolean closed = new AtomicBoolean();

    Slot(String client) {
      this.client = client;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        next(client);
      }
    }
  }
}
