package dev.fgbg.server.rpc;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Quoted;
import dev.fgbg.core.deliver.Piece;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.core.shm.KeptRings;
import dev.fgbg.core.shm.RingOffer;
import dev.fgbg.core.shm.RingRefusedException;
import dev.fgbg.core.shm.SharedRing;
import dev.fgbg.v1.SampleBatch;
import dev.fgbg.v1.SharedMemoryOffer;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The server's side of the shared-memory path: accepts a client's ring offer (or says why not,
 * and the call goes on the network path), charges a stream's ring to the memory budget, and
 * gives it back when the stream ends. Streams poll their ring's slot states on {@code poller}
 * while every slot is still held by their client.
 */
final class SharedMemory {
  private static final Logger LOG = Logger.getLogger(SharedMemory.class.getName());

  /**
   * A ring accepted for a stream: mapped (kept across the client's streams when it offered to
   * keep the ring: {@code lease} is then that mapping's), and its bytes taken from the budget.
   */
  record Held(SharedRing ring, KeptRings.Lease lease, long charged) {}

  /** Rings kept mapped between a client's calls (GetSamples, kept stream rings), and how long. */
  private static final int KEPT_RINGS = 64;
  private static final Duration KEPT_IDLE = Duration.ofSeconds(10);
  /**
   * How long a ring waits for budget that is not free: long enough for the stream a client
   * just closed to give its ring's bytes back, short enough not to hold the call.
   */
  private static final Duration BUDGET_WAIT = Duration.ofMillis(300);

  private final boolean enabled;
  private final KeptRings kept;
  private final Path directory;
  private final MemoryBudget budget;
  /**
   * Stream rings together hold at most three quarters of the budget: a ring's bytes cannot be
   * given back while its stream lasts, and the last quarter, which bytes rendered ahead for
   * streams that are not reading always return to, keeps room for every other stream and
   * GetSamples (four 64-sample rings of 224×224 samples with depth fit the default budget).
   */
  private final long ringShare;
  private final AtomicLong ringBytes = new AtomicLong();
  final ScheduledExecutorService poller;
  /** Times kept rings' idleness and streams' slot polling (the system ticker outside tests). */
  final Ticker ticker;

  SharedMemory(boolean enabled, Path directory, MemoryBudget budget,
      ScheduledExecutorService poller, Ticker ticker) {
    this.enabled = enabled;
    this.directory = directory;
    this.budget = budget;
    this.ringShare = budget.capacity() / 4 * 3;
    this.poller = poller;
    this.ticker = ticker;
    this.kept = new KeptRings(directory, KEPT_RINGS, KEPT_IDLE, ticker);
    // Each second: a ring whose client exited goes from /dev/shm, whose room a trainer started
    // next needs, within a second of it (a look at up to 64 pids and files).
    poller.scheduleWithFixedDelay(kept::sweep, 1, 1, TimeUnit.SECONDS);
  }

  /** Unmaps the kept GetSamples rings (the server is stopping). */
  void close() {
    kept.close();
  }

  /**
   * Maps the offered ring for a stream whose batches need {@code batchBytes} of a slot, and
   * charges the whole ring to the budget: refused when rings would hold more than their three
   * quarters of it, or when its bytes are not free within {@link #BUDGET_WAIT} (the network
   * path then waits for the budget piece by piece as any stream does).
   */
  Held acceptStream(SharedMemoryOffer offer, long batchBytes) throws RingRefusedException {
    RingOffer o = offer(offer, batchBytes);
    // A ring the client keeps for its next stream stays mapped here too, so that neither side
    // faults on its pages again.
    KeptRings.Lease lease = offer.getKeep() ? kept.leaseForStream(o) : null;
    SharedRing ring = lease != null ? lease.ring() : SharedRing.open(o, directory);
    long bytes = ring.fileBytes();
    String refused = charge(bytes);
    if (refused != null) {
      if (lease != null) {
        lease.close();
      } else {
        ring.unmap();
      }
      throw new RingRefusedException(refused);
    }
    return new Held(ring, lease, bytes);
  }

  /** Takes {@code bytes} of the rings' share and of the budget, or says why not. */
  private String charge(long bytes) {
    while (true) {
      long held = ringBytes.get();
      if (held + bytes > ringShare) {
        return String.format(Locale.ROOT, "a ring of %d MiB does not fit the three quarters of "
            + "the memory budget that rings may hold (%d of %d MiB held by other streams' rings; "
            + "--memory-budget-mb)", bytes >> 20, held >> 20, ringShare >> 20);
      }
      if (ringBytes.compareAndSet(held, held + bytes)) {
        break;
      }
    }
    CompletableFuture<Void> granted = budget.acquire(bytes);
    try {
      granted.get(BUDGET_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException | ExecutionException e) {
      granted.cancel(false); // bytes granted meanwhile are given back
    } catch (InterruptedException e) {
      granted.cancel(false);
      Thread.currentThread().interrupt();
    }
    ringBytes.addAndGet(-bytes);
    return String.format(Locale.ROOT, "a ring of %d MiB does not fit the memory budget now "
        + "(%d of %d MiB in use; --memory-budget-mb)", bytes >> 20, budget.used() >> 20,
        budget.capacity() >> 20);
  }

  /**
   * How one GetSamples reply travels: in a ring the client keeps across calls ({@link KeptRings}:
   * mapped once, leased by each reply), or in the message, which then says why the ring was
   * refused.
   */
  record Reply(KeptRings.Lease lease, String refused) {
    static final Reply NONE = new Reply(null, null);

    /** The ring the reply goes in, or null. */
    SharedRing ring() {
      return lease == null ? null : lease.ring();
    }

    SampleBatch.Builder saying(SampleBatch.Builder b) {
      return refused == null ? b : b.setSharedMemoryRefused(refused);
    }

    /** The reply is done with the ring (which stays mapped for the client's next call). */
    void release() {
      if (lease != null) {
        lease.close();
      }
    }
  }

  /** Maps the offered ring for one GetSamples reply of {@code bytes}, into the offered slot. */
  Reply acceptReply(SharedMemoryOffer offer, long bytes, StreamStats stats) {
    try {
      KeptRings.Lease lease = kept.lease(offer(offer, bytes));
      SharedRing ring = lease.ring();
      int slot = offer.getSlot();
      try {
        if (slot < 0 || slot >= ring.slots() || !ring.isFree(slot)) {
          throw new RingRefusedException("slot " + slot + " is not a free slot of "
              + Quoted.of(offer.getPath()));
        }
        ring.touch(slot, bytes); // pages mapped before are not faulted on one by one
      } catch (RingRefusedException | FgbgException e) {
        lease.close();
        throw e instanceof RingRefusedException r ? r
            : new RingRefusedException(e.getMessage(), e);
      }
      stats.ring(true);
      return new Reply(lease, null);
    } catch (RingRefusedException e) {
      stats.ring(false);
      logRefused("GetSamples", e);
      return new Reply(null, e.getMessage());
    }
  }

  /** Wraps {@code toMessage} so that the first message says why the ring was refused. */
  static <T> BiFunction<Piece, T, SampleBatch> sayingRefused(
      BiFunction<Piece, T, SampleBatch> toMessage, String why) {
    return FirstMessage.adding(toMessage, b -> b.setSharedMemoryRefused(why));
  }

  private RingOffer offer(SharedMemoryOffer offer, long batchBytes) throws RingRefusedException {
    if (!enabled) {
      throw new RingRefusedException("shared memory is off on this server (--no-shared-memory)");
    }
    if (offer.getSlotBytes() < batchBytes) {
      throw new RingRefusedException("slot_bytes = " + offer.getSlotBytes() + " is smaller "
          + "than one batch (" + batchBytes + " bytes)");
    }
    Path path;
    try {
      path = Paths.get(offer.getPath());
    } catch (RuntimeException e) {
      throw new RingRefusedException("path " + Quoted.of(offer.getPath()) + " is not a path",
          e);
    }
    return new RingOffer(path, offer.getSlots(), offer.getSlotBytes(),
        offer.getNonce().toByteArray(), offer.getSlot());
  }

  /**
   * The stream has ended: give the bytes back, and unmap and remove the file, or, for a ring the
   * client keeps, let the kept mapping be (the file is the client's), unless the client is gone
   * or has removed the file ({@link KeptRings.Lease#closeAfterStream}).
   */
  void release(Held held) {
    try {
      if (held.lease() != null) {
        held.lease().closeAfterStream();
      } else {
        held.ring().close();
      }
    } finally {
      ringBytes.addAndGet(-held.charged());
      budget.release(held.charged());
    }
  }

  static void logRefused(String call, RingRefusedException e) {
    LOG.fine(() -> call + ": shared memory refused, using the network path: " + e.getMessage());
  }
}
