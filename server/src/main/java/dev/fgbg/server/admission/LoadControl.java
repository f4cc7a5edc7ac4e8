package dev.fgbg.server.admission;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.load.Admission;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.load.RenderScheduler;
import dev.fgbg.core.load.StreamCaps;
import dev.fgbg.server.observe.StreamCounter;
import dev.fgbg.server.stop.Draining;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The server's load-safety parts, built from {@link LoadOptions}: the fair render scheduler over
 * the worker pool, the memory budget, the stream caps, and admission for Stats, Export and
 * Gallery.
 */
public final class LoadControl {
  public final RenderScheduler scheduler;
  public final MemoryBudget budget;
  public final StreamCaps streams;
  public final AdmittedCalls stats;
  public final AdmittedCalls exports;
  /** Their bodies only start work (a budget wait, a delivery): they run where admitted. */
  public final AdmittedCalls galleries;
  /** Ends the GetSamples calls of connections that stopped reading, when others wait. */
  public final UnreadReplies unread;
  /** Wall time for the budgets made here (the connections' reply turns). */
  private final Ticker ticker;
  /** What all GetSamples replies together may hold: half the budget. */
  private final ReplyCap replies;
  /** Held only while a connection's GetSamples replies wait for their turn or the budget. */
  private final Cache<String, MemoryBudget> replyTurns =
      Caffeine.newBuilder().weakValues().build();
  /** Held only while a client's calls hold their lane: idle lanes are collected. */
  private final Cache<String, RenderScheduler.Lane> clientLanes =
      Caffeine.newBuilder().weakValues().build();

  /**
   * @param taskClock measures render tasks for fairness ({@link RenderScheduler#threadCpuTime})
   * @param timer runs {@link UnreadReplies}' check
   * @param ticker wall time for the budgets (the system ticker outside tests)
   * @param draining ends the calls still queued when the server stops its calls
   */
  public LoadControl(LoadOptions o, Executor workers, Ticker taskClock, Executor statsThreads,
      Executor exportThreads, StreamCounter counters, ScheduledExecutorService timer,
      Ticker ticker, Draining draining) {
    this.ticker = ticker;
    this.scheduler = RenderScheduler.fair(workers, taskClock);
    this.budget = MemoryBudget.of(o.memoryBudgetBytes(), ticker);
    this.replies = new ReplyCap(budget.capacity() / 2);
    this.unread = new UnreadReplies(budget, replies, o.unreadReply(), timer,
        System::nanoTime);
    this.streams = StreamCaps.of(o.streamsLimit(), o.perClientLimit());
    this.stats = new AdmittedCalls(Admission.of("Stats requests", o.statsLimit(),
        o.statsQueueLimit(), o.statsShare()), statsThreads, counters, draining);
    this.exports = new AdmittedCalls(Admission.of("exports", o.exportsLimit(),
        o.exportQueueLimit(), o.exportShare()), exportThreads, counters, draining);
    this.galleries = new AdmittedCalls(Admission.of("Gallery requests", o.galleriesLimit(),
        o.galleryQueueLimit(), o.galleryShare()), Runnable::run, counters,
        draining);
  }

  /**
   * The lane all GetSamples calls of {@code client} share: many small calls from one client get
   * one share of the workers, as one stream does, not one share each.
   */
  public RenderScheduler.Lane getSamplesLane(String client) {
    return clientLanes.get("get-samples " + client, scheduler::lane);
  }

  /** The lane all Gallery calls of {@code client} share: one share of the workers. */
  public RenderScheduler.Lane galleryLane(String client) {
    return clientLanes.get("gallery " + client, scheduler::lane);
  }

  /**
   * The bytes a GetSamples reply of {@code bytes} on {@code connection} holds until sent: one
   * reply of the connection at a time waiting, under the cap on all replies (half the budget,
   * past a connection's first reply), then in the budget's queue ({@link ReplyBytes}).
   */
  public ReplyBytes replyBytes(String connection, long bytes) {
    MemoryBudget turn = replyTurns.get(connection, c -> MemoryBudget.of(1, ticker));
    return ReplyBytes.acquire(replies, connection, turn, budget, charge(bytes));
  }

  /** Bytes charged for {@code bytes}: a holder larger than the budget waits for all of it. */
  public long charge(long bytes) {
    return Math.min(bytes, budget.capacity());
  }
}
