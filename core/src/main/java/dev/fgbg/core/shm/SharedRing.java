package dev.fgbg.core.shm;

import dev.fgbg.common.MappedBuffers;
import dev.fgbg.common.RingFormat;
import dev.fgbg.core.FgbgException;
import dev.fgbg.core.render.Backgrounds;
import dev.fgbg.core.render.BatchShape;
import dev.fgbg.core.render.RenderedBatch;
import dev.fgbg.core.render.SampleArray;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A client's ring of slots in shared memory, mapped by the server. {@link #open} accepts only a
 * regular file (not a symlink) named {@code fgbg-ring-*} directly in the ring directory, owned by
 * the server's user, whose size, slot count and slot size agree with the offer and whose header
 * holds the offer's nonce: proof that client and server opened the same file on the same host.
 *
 * <p>Slot states are words in the header: the server writes a slot only while its state is free,
 * copies a rendered batch into it and marks it written (a release store, after the bytes); the
 * client reads the arrays in place and writes free back when it is done with the batch.
 *
 * <p>The memory is the client's, which may shrink the file or write anything into the state
 * words: every access checks the size first and is {@link MappedAccess guarded}, so a fault or
 * a bad state word fails that access with a FAILED_PRECONDITION naming it. Once {@link #close
 * closed} (unmapped) the ring is never touched again.
 */
public final class SharedRing implements AutoCloseable {
  /** Where clients create rings. */
  public static final Path DIRECTORY = Path.of("/dev/shm");
  private static final int PAGE = 4096;
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final Path path;
  private final int slots;
  private final long slotBytes;
  private final FileChannel file;
  private final Object fileKey;
  /** Copies into different slots share the map; unmapping waits for them all. */
  private final ReadWriteLock mapping = new ReentrantReadWriteLock();
  private MappedByteBuffer map;
  private volatile String fault;
  /** What {@link #touch} read, kept so the compiler cannot drop the reads. */
  private volatile int touched;

  SharedRing(Path path, int slots, long slotBytes, FileChannel file, Object fileKey,
      MappedByteBuffer map) {
    this.path = path;
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.file = file;
    this.fileKey = fileKey;
    this.map = map;
  }

  /**
   * Checks and maps an offered ring in {@code directory}.
   *
   * @throws RingRefusedException naming what did not hold (the caller falls back)
   */
  public static SharedRing open(RingOffer offer, Path directory) throws RingRefusedException {
    return RingOpening.open(offer, directory);
  }

  void checkHeader(RingOffer offer) throws RingRefusedException {
    byte[] magic = new byte[RingFormat.MAGIC.length];
    byte[] nonce = new byte[RingFormat.NONCE_BYTES];
    long[] sizes = guarded(() -> {
      map.get(0, magic);
      map.get(RingFormat.NONCE_OFFSET, nonce);
      return new long[] {map.getInt(RingFormat.SLOTS_OFFSET),
          map.getLong(RingFormat.SLOT_BYTES_OFFSET)};
    });
    RingChecks.header(offer, magic, nonce, sizes[0], sizes[1]);
  }

  public Path path() {
    return path;
  }

  public int slots() {
    return slots;
  }

  /** The mapped file's identity (its inode), to tell it from a file put at its path since. */
  Object fileKey() {
    return fileKey;
  }

  /** Whether an access met a fault (the client shrank the file): every access fails since. */
  boolean faulted() {
    return fault != null;
  }

  /** The process id the client wrote in the header, or 0 when it cannot be read. */
  public long ownerPid() {
    try {
      return Integer.toUnsignedLong(guarded(() -> map.getInt(RingFormat.PID_OFFSET)));
    } catch (FgbgException e) {
      return 0;
    }
  }

  /** Bytes mapped: the header and every slot. */
  public long fileBytes() {
    return RingFormat.HEADER_BYTES + slots * slotBytes;
  }

  /**
   * Maps the pages of the first {@code bytes} of {@code slot} by reading one byte of each, so
   * that the kernel maps pages the client has written before (a GetSamples ring kept across
   * calls) sixteen at a time rather than faulting on each at the copy.
   */
  public void touch(int slot, long bytes) {
    check(slot);
    long base = RingFormat.slotOffset(slot, slotBytes);
    long end = base + Math.min(bytes, slotBytes);
    touched = guarded(() -> {
      int sum = 0;
      for (long at = base; at < end; at += PAGE) {
        sum += map.get((int) at);
      }
      return sum;
    });
  }

  /**
   * Whether the client has given {@code slot} back (or never received it).
   * @throws FgbgException FAILED_PRECONDITION when the ring is closed, shrunk, or the state
   *     word holds neither free nor written
   */
  public boolean isFree(int slot) {
    check(slot);
    int state = guarded(() -> (int) INT.getAcquire(map, RingFormat.stateOffset(slot)));
    if (state != RingFormat.FREE && state != RingFormat.WRITTEN) {
      throw failed("slot " + slot + "'s state word in " + RingChecks.quoted(path) + " holds "
          + state + "; a slot is " + RingFormat.FREE + " (free) or " + RingFormat.WRITTEN
          + " (written)");
    }
    return state == RingFormat.FREE;
  }

  /** Copies batch {@code b} into the free {@code slot} and marks it written: put, then seal. */
  public SlotLayout write(int slot, RenderedBatch b, BatchShape shape) {
    SlotLayout at = SlotLayout.of(slot, shape, b.size(), b.backgrounds());
    put(at, 0, b, shape);
    return seal(at, b.backgrounds());
  }

  /**
   * Copies {@code run} into the free slot of {@code at} as its batch's samples from {@code from}
   * on (a batch copied run by run while each is in the core's cache); the slot stays free.
   *
   * @throws IllegalStateException when the batch does not fit a slot
   * @throws FgbgException FAILED_PRECONDITION when the ring is closed or was shrunk
   */
  public void put(SlotLayout at, int from, RenderedBatch run, BatchShape shape) {
    fits(at);
    long base = RingFormat.slotOffset(at.slot(), slotBytes);
    guarded(() -> {
      for (SampleArray a : SampleArray.values()) {
        long per = shape.delivered(a);
        byte[] bytes = run.array(a); // null for arrays kept per background
        byte[][] rows = a == SampleArray.DEPTH ? run.depthRows() : null; // a teacher's maps
        if (bytes == null && rows == null || per == 0) {
          continue;
        }
        if ((from + run.size()) * per > at.length(a)) {
          throw new IllegalStateException("samples " + from + " to " + (from + run.size())
              + " lie past the " + at.length(a) + " bytes of " + a + " in the slot");
        }
        long to = base + at.offset(a) + from * per;
        if (bytes != null) {
          put(to, bytes, run.size() * per);
        }
        for (int s = 0; rows != null && s < rows.length; s++) {
          put(to + s * per, rows[s], per);
        }
      }
      return null;
    });
  }

  /** Copies the distinct backgrounds (null: none) into {@code at}'s slot and marks it written. */
  public SlotLayout seal(SlotLayout at, Backgrounds bgs) {
    fits(at);
    long base = RingFormat.slotOffset(at.slot(), slotBytes);
    return guarded(() -> {
      if (bgs != null) {
        put(base + at.backgroundsOffset(), bgs.pixels(), at.backgroundsLength());
        put(base + at.backgroundDepthsOffset(), bgs.depth(), at.backgroundDepthsLength());
      }
      INT.setRelease(map, RingFormat.stateOffset(at.slot()), RingFormat.WRITTEN);
      return at;
    });
  }

  private void put(long at, byte[] bytes, long length) {
    if (length > 0) {
      map.put((int) at, bytes, 0, (int) length);
    }
  }

  /**
   * Runs an access to the mapping: the file is checked to still have its size first, and a
   * fault during the access (the client shrank the file at that moment) ends it here.
   */
  private <T> T guarded(Supplier<T> access) {
    mapping.readLock().lock();
    try {
      if (map == null) {
        throw failed("the ring " + RingChecks.quoted(path) + " is closed");
      }
      if (fault == null) {
        long size = size();
        if (size != fileBytes()) {
          fault = RingChecks.quoted(path) + " now has " + size + " bytes, not the " + fileBytes()
              + " it was offered with: the file shrank (its client, or another process, "
              + "truncated it)";
        }
      }
      if (fault != null) {
        throw failed(fault);
      }
      return MappedAccess.run(access, () -> failed(fault = MappedAccess.cause(path, slotBytes)));
    } finally {
      mapping.readLock().unlock();
    }
  }

  private long size() {
    try {
      return file.size();
    } catch (IOException e) {
      return -1;
    }
  }

  private static FgbgException failed(String why) {
    return FgbgException.failedPrecondition("shared memory: " + why);
  }

  private void fits(SlotLayout at) {
    check(at.slot());
    if (at.end() > slotBytes) {
      throw new IllegalStateException("a batch of " + at.end() + " bytes does not fit a slot of "
          + slotBytes);
    }
  }

  private void check(int slot) {
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " is not in [0, " + slots + ")");
    }
  }

  /** Unmaps the ring, leaving the file (a GetSamples ring the client keeps using). */
  public void unmap() {
    mapping.writeLock().lock();
    try {
      if (map != null) {
        MappedByteBuffer m = map;
        map = null;
        MappedBuffers.unmap(m);
        RingOpening.closeQuietly(file);
      }
    } finally {
      mapping.writeLock().unlock();
    }
  }

  /**
   * Unmaps the ring and removes its file if the path still names it (the stream has ended); the
   * client's own mapping stays valid, and a file it put at the path since is its own.
   */
  @Override
  public void close() {
    unmap();
    RingOpening.removeIfSame(path, fileKey);
  }
}
