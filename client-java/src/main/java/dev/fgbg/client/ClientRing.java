package dev.fgbg.client;

import com.google.protobuf.ByteString;
import dev.fgbg.common.MappedBuffers;
import dev.fgbg.common.RingFormat;
import dev.fgbg.v1.SharedMemoryOffer;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Java client's shared-memory ring (see {@link RingFormat}): a file in /dev/shm created
 * with mode 0600 and mapped, offered in a StreamEpoch request. Each batch is copied out of its
 * slot once (so that a {@link Batch} stays valid however long it is kept) and the slot is freed
 * at once. Offered with {@code keep}: after a stream that ended with OK it may carry the
 * client's next stream ({@link ClientRings}). Not thread-safe: one stream's iterator uses it.
 */
final class ClientRing implements AutoCloseable {
  static final Path DIRECTORY = Path.of("/dev/shm");
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path path;
  private final int slots;
  private final long slotBytes;
  private final byte[] nonce;
  private final Object fileKey;
  private MappedByteBuffer map;

  private ClientRing(Path path, int slots, long slotBytes, byte[] nonce, Object fileKey,
      MappedByteBuffer map) {
    this.path = path;
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.nonce = nonce;
    this.fileKey = fileKey;
    this.map = map;
  }

  /** {@code slotBytes} rounded up to a page, as a ring's slots are. */
  static long rounded(long slotBytes) {
    return (Math.max(slotBytes, 1) + 4095) / 4096 * 4096;
  }

  /** A new ring of {@code slots} slots of at least {@code slotBytes} (rounded to a page). */
  static ClientRing create(int slots, long slotBytes) throws IOException {
    long slot = rounded(slotBytes);
    long size = RingFormat.HEADER_BYTES + slots * slot;
    if (size > RingFormat.MAX_FILE_BYTES) {
      throw new IOException("a ring of " + size + " bytes is larger than one mapping");
    }
    byte[] nonce = new byte[RingFormat.NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] name = new byte[8];
    RANDOM.nextBytes(name);
    long pid = ProcessHandle.current().pid();
    Path path = DIRECTORY.resolve(RingFormat.PREFIX + pid + "-" + HexFormat.of().formatHex(name));
    Files.createFile(path, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      allocate(ch, size);
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
      map.order(ByteOrder.LITTLE_ENDIAN);
      map.put(0, RingFormat.MAGIC).put(RingFormat.NONCE_OFFSET, nonce)
          .putInt(RingFormat.SLOTS_OFFSET, slots).putInt(RingFormat.PID_OFFSET, (int) pid)
          .putLong(RingFormat.SLOT_BYTES_OFFSET, slot);
      ClientRing ring = new ClientRing(path, slots, slot, nonce, RingFormat.fileKey(path), map);
      AtExit.OPEN.add(path);
      return ring;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /**
   * Writes the whole file, so that it has all its pages now: on a full or small /dev/shm (a
   * container's 64 MB) the ring is refused here and the stream goes on the network, instead of
   * the server failing it at its first write to a page that cannot be had.
   */
  static void allocate(FileChannel ch, long size) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    try {
      for (long at = 0; at < size; at += zeros.capacity()) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
        while (zeros.hasRemaining()) {
          ch.write(zeros, at + zeros.position());
        }
      }
    } catch (IOException e) {
      throw new IOException(String.format(Locale.ROOT, "%s has no room for a ring of %.1f MiB "
          + "(%s); batches go over the network (give it more: docker run --shm-size=1g)",
          DIRECTORY, size / 1048576.0, e.getMessage()), e);
    }
  }

  Path path() {
    return path;
  }

  int slots() {
    return slots;
  }

  long slotBytes() {
    return slotBytes;
  }

  SharedMemoryOffer offer() {
    return SharedMemoryOffer.newBuilder().setPath(path.toString()).setSlots(slots)
        .setSlotBytes(slotBytes).setNonce(ByteString.copyFrom(nonce)).setSlot(-1).setKeep(true)
        .build();
  }

  /**
   * Whether the ring may carry another stream: mapped, every slot free, and the file at its path
   * still the one mapped (a server that does not know {@code keep} removes it).
   */
  boolean reusable() {
    if (map == null) {
      return false;
    }
    for (int s = 0; s < slots; s++) {
      if ((int) INT.getAcquire(map, RingFormat.stateOffset(s)) != RingFormat.FREE) {
        return false;
      }
    }
    try {
      return fileKey != null && fileKey.equals(RingFormat.fileKey(path));
    } catch (IOException e) {
      return false;
    }
  }

  /** A copy of {@code length} bytes at {@code offset} in {@code slot}. */
  ByteString copy(int slot, long offset, long length) {
    if (slot < 0 || slot >= slots || offset < 0 || length < 0 || offset + length > slotBytes) {
      throw new IllegalStateException("the server named bytes " + offset + ".." + (offset
          + length) + " of slot " + slot + " of a ring of " + slots + " x " + slotBytes);
    }
    int at = (int) (RingFormat.HEADER_BYTES + slot * slotBytes + offset);
    return ByteString.copyFrom(map.slice(at, (int) length));
  }

  /** Gives {@code slot} back to the server (a release store, after the copies). */
  void free(int slot) {
    INT.setRelease(map, RingFormat.stateOffset(slot), RingFormat.FREE);
  }

  /** Removes the file (the server may have already) and unmaps. */
  @Override
  public void close() {
    remove(path);
    AtExit.OPEN.remove(path);
    if (map != null) {
      MappedByteBuffer m = map;
      map = null;
      MappedBuffers.unmap(m);
    }
  }

  private static void remove(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // A server sweeps rings of dead clients.
    }
  }

  /**
   * The files of the rings not closed when the JVM exits (a client never closed: its kept rings,
   * an iterator left open), removed by a shutdown hook installed with the first ring; the
   * mappings stay, so a thread still reading one at exit reads on.
   */
  private static final class AtExit {
    static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(
            () -> OPEN.forEach(ClientRing::remove), "fgbg-rings-at-exit"));
      } catch (IllegalStateException e) {
        // The JVM is exiting already: a ring made now is left to the server's sweep.
      }
    }
  }
}
