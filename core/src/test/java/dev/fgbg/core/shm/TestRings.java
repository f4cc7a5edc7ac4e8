package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/** Ring files as a client creates them (mode 0600, header written), for tests. */
public final class TestRings {
  private TestRings() {}

  /** A ring of {@code slots} x {@code slotBytes} in {@code dir}, its header naming {@code pid}. */
  public static RingOffer create(Path dir, String name, int slots, long slotBytes, long pid) {
    byte[] nonce = new byte[RingFormat.NONCE_BYTES];
    new Random(name.hashCode()).nextBytes(nonce);
    Path path = dir.resolve(RingFormat.PREFIX + name);
    try {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
        ByteBuffer h = ByteBuffer.allocate(RingFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(RingFormat.MAGIC).put(nonce).putInt(slots).putInt((int) pid).putLong(slotBytes);
        h.clear();
        ch.write(h, 0);
        ch.truncate(RingFormat.HEADER_BYTES + slots * slotBytes);
        ch.write(ByteBuffer.allocate(1), RingFormat.HEADER_BYTES + slots * slotBytes - 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RingOffer(path, slots, slotBytes, nonce, -1);
  }

  /** A ring of this process. */
  public static RingOffer create(Path dir, String name, int slots, long slotBytes) {
    return create(dir, name, slots, slotBytes, ProcessHandle.current().pid());
  }

  /**
   * The client's side: the ring file held open (as a client's mapping holds it), so that it can
   * be read after the server has removed its name.
   */
  public static FileChannel open(RingOffer ring) throws IOException {
    return FileChannel.open(ring.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** A slot's state word. */
  public static int state(FileChannel ring, int slot) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    ring.read(b, RingFormat.stateOffset(slot));
    return b.getInt(0);
  }

  /** Gives a slot back to the server. */
  public static void free(FileChannel ring, int slot) throws IOException {
    ring.write(ByteBuffer.allocate(4), RingFormat.stateOffset(slot));
  }

  /** {@code length} bytes of {@code slot} at {@code offset}. */
  public static byte[] read(FileChannel ring, long slotBytes, int slot, long offset, int length)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    ring.read(b, RingFormat.slotOffset(slot, slotBytes) + offset);
    return b.array();
  }
}
