package dev.fgbg.core.shm;

import dev.fgbg.common.MappedBuffers;
import dev.fgbg.common.RingFormat;
import dev.fgbg.core.render.RenderedBatch;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A client's ring of slots in shared memory, mapped by the server. {@link #open} accepts only a
 * regular file (not a symlink) named {@code fgbg-ring-*} directly in the ring directory, owned by
 * the server's user, whose size, slot count and slot size agree with the offer and whose header
 * holds the offer's nonce: proof that client and server opened the same file on the same host.
 *
 * <p>Slot states are words in the header: the server writes a slot only while its state is free,
 * copies a rendered batch into it and marks it written (a release store, after the bytes); the
 * client reads the arrays in place and writes free back when it is done with the batch. Once
 * {@link #close closed} (unmapped) the ring is never touched again; writes after that fail.
 */
public final class SharedRing implements AutoCloseable {
  /** Where clients create rings. */
  public static final Path DIRECTORY = Path.of("/dev/shm");
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final Path path;
  private final int slots;
  private final long slotBytes;
  private MappedByteBuffer map;

  private SharedRing(Path path, int slots, long slotBytes, MappedByteBuffer map) {
    this.path = path;
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.map = map;
  }

  /**
   * Checks and maps an offered ring in {@code directory}.
   *
   * @throws RingRefusedException naming what did not hold (the caller falls back)
   */
  public static SharedRing open(RingOffer offer, Path directory) throws RingRefusedException {
    Path path = offer.path();
    if (!path.isAbsolute() || !directory.equals(path.getParent())
        || !RingFormat.isRingName(path.getFileName().toString())) {
      throw new RingRefusedException("path " + path + " is not a " + RingFormat.PREFIX
          + "* file directly in " + directory);
    }
    if (offer.slots() < 1 || offer.slots() > RingFormat.MAX_SLOTS) {
      throw new RingRefusedException("slots = " + offer.slots() + " must be between 1 and "
          + RingFormat.MAX_SLOTS);
    }
    if (offer.slotBytes() < 64 || offer.slotBytes() % 64 != 0) {
      throw new RingRefusedException("slot_bytes = " + offer.slotBytes()
          + " must be a positive multiple of 64");
    }
    if (offer.fileBytes() > RingFormat.MAX_FILE_BYTES) {
      throw new RingRefusedException("the ring's " + offer.fileBytes() + " bytes exceed "
          + RingFormat.MAX_FILE_BYTES);
    }
    checkFile(path, offer.fileBytes());
    MappedByteBuffer map;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      if (ch.size() != offer.fileBytes()) {
        throw new RingRefusedException(path + " has " + ch.size() + " bytes, not "
            + offer.fileBytes());
      }
      map = ch.map(FileChannel.MapMode.READ_WRITE, 0, offer.fileBytes());
    } catch (NoSuchFileException e) {
      throw new RingRefusedException(path + " does not exist on the server's host", e);
    } catch (IOException e) {
      throw new RingRefusedException("cannot map " + path + ": " + e.getMessage(), e);
    }
    map.order(ByteOrder.LITTLE_ENDIAN);
    SharedRing ring = new SharedRing(path, offer.slots(), offer.slotBytes(), map);
    try {
      ring.checkHeader(offer);
    } catch (RingRefusedException e) {
      ring.unmap();
      throw e;
    }
    return ring;
  }

  private static void checkFile(Path path, long bytes) throws RingRefusedException {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new RingRefusedException(path + " does not exist on the server's host "
          + "(another host, or a container without a shared /dev/shm)", e);
    } catch (IOException | UnsupportedOperationException e) {
      throw new RingRefusedException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (!a.isRegularFile()) {
      throw new RingRefusedException(path + " is not a regular file");
    }
    String me = System.getProperty("user.name");
    if (!a.owner().getName().equals(me)) {
      throw new RingRefusedException(path + " is owned by " + a.owner().getName()
          + ", not by the server's user " + me);
    }
    if (a.size() != bytes) {
      throw new RingRefusedException(path + " has " + a.size() + " bytes; slots x slot_bytes"
          + " + header = " + bytes);
    }
  }

  private void checkHeader(RingOffer offer) throws RingRefusedException {
    byte[] magic = new byte[RingFormat.MAGIC.length];
    map.get(0, magic);
    byte[] nonce = new byte[RingFormat.NONCE_BYTES];
    map.get(RingFormat.NONCE_OFFSET, nonce);
    if (!Arrays.equals(magic, RingFormat.MAGIC)) {
      throw new RingRefusedException(path + " has no ring header");
    }
    if (offer.nonce().length != RingFormat.NONCE_BYTES
        || !MessageDigest.isEqual(nonce, offer.nonce())) {
      throw new RingRefusedException("the nonce in " + path + " is not the one offered "
          + "(another host's file of that name?)");
    }
    if (map.getInt(RingFormat.SLOTS_OFFSET) != slots
        || map.getLong(RingFormat.SLOT_BYTES_OFFSET) != slotBytes) {
      throw new RingRefusedException("the header of " + path + " says "
          + map.getInt(RingFormat.SLOTS_OFFSET) + " slots of "
          + map.getLong(RingFormat.SLOT_BYTES_OFFSET) + " bytes, the offer " + slots + " of "
          + slotBytes);
    }
  }

  public Path path() {
    return path;
  }

  public int slots() {
    return slots;
  }

  public long slotBytes() {
    return slotBytes;
  }

  /** Bytes mapped: the header and every slot. */
  public long fileBytes() {
    return RingFormat.HEADER_BYTES + slots * slotBytes;
  }

  /** Whether the client has given {@code slot} back (or never received it). */
  public synchronized boolean isFree(int slot) {
    check(slot);
    return (int) INT.getAcquire(map, RingFormat.stateOffset(slot)) == RingFormat.FREE;
  }

  /**
   * Copies {@code b}'s arrays into {@code slot} (which must be free) and marks it written.
   *
   * @throws IllegalStateException when the ring is closed or the batch does not fit
   */
  public synchronized SlotLayout write(int slot, RenderedBatch b) {
    check(slot);
    SlotLayout at = SlotLayout.of(slot, length(b.images()), length(b.masks()),
        length(b.depth()));
    if (at.end() > slotBytes) {
      throw new IllegalStateException("a batch of " + at.end() + " bytes does not fit a slot of "
          + slotBytes);
    }
    int base = (int) RingFormat.slotOffset(slot, slotBytes);
    put(base + at.imagesOffset(), b.images());
    put(base + at.masksOffset(), b.masks());
    put(base + at.depthOffset(), b.depth());
    INT.setRelease(map, RingFormat.stateOffset(slot), RingFormat.WRITTEN);
    return at;
  }

  private void put(long at, byte[] bytes) {
    if (bytes != null) {
      map.put((int) at, bytes, 0, bytes.length);
    }
  }

  private static long length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private void check(int slot) {
    if (map == null) {
      throw new IllegalStateException("the ring " + path + " is closed");
    }
    if (slot < 0 || slot >= slots) {
      throw new IllegalArgumentException("slot " + slot + " is not in [0, " + slots + ")");
    }
  }

  public synchronized boolean isClosed() {
    return map == null;
  }

  /** Unmaps the ring, leaving the file (a GetSamples ring the client keeps using). */
  public synchronized void unmap() {
    if (map != null) {
      MappedByteBuffer m = map;
      map = null;
      MappedBuffers.unmap(m);
    }
  }

  /**
   * Unmaps the ring and removes its file: the stream has ended, however it ended. The client's
   * own mapping stays valid (the memory is freed when both have unmapped), so a client still
   * reading its last batches is not disturbed, and a client that died leaves nothing behind.
   */
  @Override
  public synchronized void close() {
    unmap();
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Nothing to do: the start-up sweep removes it if it is still there.
    }
  }
}
