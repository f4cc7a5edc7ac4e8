package dev.fgbg.core.shm;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rings a client keeps across its calls (GetSamples rings, and stream rings offered with keep),
 * mapped once and kept mapped between its calls. Mapping a ring per reply (or per stream) made
 * the server fault on every page of every reply's slot; a kept mapping faults once. Each call
 * leases the ring: the file at the offer's path is checked again
 * ({@link RingChecks}: a regular file of the server's user, the offer's size), and a file that is
 * another one now (another inode), or a mapping that met a fault, is replaced by a fresh mapping.
 * A ring not leased for {@code idle}, or whose file is no longer at its path, is unmapped at the
 * next {@link #sweep} or lease, once no call holds it; at most {@code max} are kept, the least
 * recently used going first. A stream leases its ring alone: a second stream offering a ring
 * that one holds is refused (the two would write the same slots). The memory
 * stays the client's: a kept mapping is never charged to the budget, as a per-call one was not.
 */
public final class KeptRings implements AutoCloseable {
  /** What names a kept ring: its path, nonce and sizes, as offered. */
  private record Key(String path, String nonce, int slots, long slotBytes) {
    static Key of(RingOffer o) {
      return new Key(o.path().toString(), Arrays.toString(o.nonce()), o.slots(), o.slotBytes());
    }
  }

  /** A mapping and the calls holding it. */
  private static final class Kept {
    final SharedRing ring;
    int leases;
    long lastUsed;
    boolean retired;
    /** Remove the file too once unmapped: its client is gone. */
    boolean remove;
    /** A stream holds it (alone). */
    boolean streaming;

    Kept(SharedRing ring) {
      this.ring = ring;
    }
  }

  /** One call's hold on a kept ring; closing it lets the ring go when it is retired. */
  public final class Lease implements AutoCloseable {
    private final Kept kept;
    private final boolean stream;
    private boolean closed;

    private Lease(Kept kept, boolean stream) {
      this.kept = kept;
      this.stream = stream;
    }

    public SharedRing ring() {
      return kept.ring;
    }

    @Override
    public void close() {
      synchronized (KeptRings.this) {
        if (closed) {
          return;
        }
        closed = true;
        kept.leases--;
        kept.streaming &= !stream;
        kept.lastUsed = ticker.read();
        unmapIfDone(kept);
      }
    }

    /**
     * Closes the lease at the end of a stream: the ring stays mapped for the client's next one,
     * unless its client is gone (the pid in its header: killed mid-stream, nobody else will
     * remove the file) or its file no longer is at its path (the client removed it and will not
     * offer it again): then it goes now ({@link #closeRemoving}).
     */
    public void closeAfterStream() {
      SharedRing ring = kept.ring;
      if (!RingReaper.processAlive(ring.ownerPid()) || !atItsPath(ring)) {
        closeRemoving();
      } else {
        close();
      }
    }

    /**
     * Closes the lease and lets the ring go for good: unmapped and its file removed (if its path
     * still names it) once no call holds it.
     */
    public void closeRemoving() {
      synchronized (KeptRings.this) {
        kept.remove = true;
        KeptRings.this.kept.values().remove(kept);
        kept.retired = true;
        if (closed) {
          unmapIfDone(kept);
        } else {
          close(); // which unmaps it once no other call holds it
        }
      }
    }
  }

  private final Path directory;
  private final int max;
  private final long idleNanos;
  private final Ticker ticker;
  private final Map<Key, Kept> kept = new HashMap<>();
  private boolean closed;

  /**
   * @param max rings kept at most
   * @param idle how long a ring no call leased stays mapped
   */
  public KeptRings(Path directory, int max, Duration idle, Ticker ticker) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
    if (idle.isNegative()) {
      throw new IllegalArgumentException("idle must not be negative, not " + idle);
    }
    this.directory = Objects.requireNonNull(directory, "directory");
    this.max = max;
    this.idleNanos = idle.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    long uid = RingChecks.UID; // read now (its native library loaded), not near the files limit
    assert uid >= 0;
  }

  /**
   * Leases the ring {@code offer} names: its kept mapping when the file is still the one mapped
   * and the mapping is sound, else a new one.
   *
   * @throws RingRefusedException naming what did not hold (the caller falls back)
   */
  public Lease lease(RingOffer offer) throws RingRefusedException {
    return lease(offer, false);
  }

  /**
   * Leases the ring for a stream, which holds it alone.
   *
   * @throws RingRefusedException also when another stream holds it now
   */
  public Lease leaseForStream(RingOffer offer) throws RingRefusedException {
    return lease(offer, true);
  }

  private Lease lease(RingOffer offer, boolean stream) throws RingRefusedException {
    RingChecks.offer(offer, directory);
    Object fileKey = RingChecks.file(offer.path(), offer.fileBytes());
    Key key = Key.of(offer);
    synchronized (this) {
      if (closed) {
        throw new RingRefusedException("the server is stopping");
      }
      sweep();
      Kept k = kept.get(key);
      if (k != null && Objects.equals(k.ring.fileKey(), fileKey) && !k.ring.faulted()) {
        if (stream && k.streaming) {
          throw new RingRefusedException(RingChecks.quoted(offer.path())
              + " is in use by another stream");
        }
        k.leases++;
        k.streaming |= stream;
        k.lastUsed = ticker.read();
        return new Lease(k, stream);
      }
      if (k != null) {
        retire(key, k);
      }
    }
    SharedRing ring = SharedRing.open(offer, directory); // outside the lock: it maps and reads
    synchronized (this) {
      Kept k = new Kept(ring);
      k.leases = 1;
      k.streaming = stream;
      k.lastUsed = ticker.read();
      if (closed) {
        k.retired = true; // unmapped when this call lets go
        return new Lease(k, stream);
      }
      Kept before = kept.put(key, k);
      if (before != null) {
        before.retired = true;
        unmapIfDone(before);
      }
      while (kept.size() > max) {
        Map.Entry<Key, Kept> oldest = null;
        for (Map.Entry<Key, Kept> e : kept.entrySet()) {
          if (oldest == null || e.getValue().lastUsed < oldest.getValue().lastUsed) {
            oldest = e;
          }
        }
        retire(oldest.getKey(), oldest.getValue());
      }
      return new Lease(k, stream);
    }
  }

  /**
   * Unmaps the rings no call has leased for {@code idle}, and those no call holds whose file is
   * no longer at their path (their client removed it: it will not offer them again) or whose
   * client is gone, removing the file of the latter (a client killed mid-stream may have been
   * still exiting when its stream ended).
   */
  public synchronized void sweep() {
    long now = ticker.read();
    List<Key> idle = new ArrayList<>();
    kept.forEach((key, k) -> {
      if (k.leases == 0 && !RingReaper.processAlive(k.ring.ownerPid())) {
        k.remove = true;
        idle.add(key);
      } else if (k.leases == 0 && (now - k.lastUsed >= idleNanos || !atItsPath(k.ring))) {
        idle.add(key);
      }
    });
    idle.forEach(key -> retire(key, kept.get(key)));
  }

  /** Whether the file at the ring's path is still the one mapped. */
  private static boolean atItsPath(SharedRing ring) {
    try {
      return Objects.equals(RingChecks.file(ring.path(), ring.fileBytes()), ring.fileKey());
    } catch (RingRefusedException e) {
      return false;
    }
  }

  /** Rings kept now (mapped, leased or not). */
  public synchronized int size() {
    return kept.size();
  }

  private void retire(Key key, Kept k) {
    kept.remove(key, k);
    k.retired = true;
    unmapIfDone(k);
  }

  private static void unmapIfDone(Kept k) {
    if (k.retired && k.leases == 0) {
      if (k.remove) {
        k.ring.close(); // unmaps and removes the file
      } else {
        k.ring.unmap();
      }
    }
  }

  /** Unmaps every ring now or, for one a call holds, when that call lets go. */
  @Override
  public synchronized void close() {
    closed = true;
    new ArrayList<>(kept.entrySet()).forEach(e -> retire(e.getKey(), e.getValue()));
  }
}
