package dev.fgbg.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The shared-memory ring file's layout (little-endian; see SharedMemoryOffer in fgbg.proto), as
 * the server and the Java client both read and write it.
 */
public final class RingFormat {
  public static final String PREFIX = "fgbg-ring-";
  public static final int HEADER_BYTES = 4096;
  public static final byte[] MAGIC = "FGBGRNG1".getBytes(StandardCharsets.US_ASCII);
  public static final int NONCE_OFFSET = 8;
  public static final int NONCE_BYTES = 16;
  public static final int SLOTS_OFFSET = 24;
  public static final int PID_OFFSET = 28;
  public static final int SLOT_BYTES_OFFSET = 32;
  public static final int STATES_OFFSET = 64;
  public static final int MAX_SLOTS = 64;
  /** One mapping holds the whole file: a Java buffer's index is an int. */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
  public static final int FREE = 0;
  public static final int WRITTEN = 1;

  private RingFormat() {}

  public static int stateOffset(int slot) {
    return STATES_OFFSET + 4 * slot;
  }

  public static long slotOffset(int slot, long slotBytes) {
    return HEADER_BYTES + slot * slotBytes;
  }

  /** Bytes a slot needs for arrays of these lengths, each on a 64-byte boundary. */
  public static long slotBytes(long images, long masks, long depth) {
    return slotBytes(images, masks, depth, 0);
  }

  /** Bytes a slot needs with instance ids after depth. */
  public static long slotBytes(long images, long masks, long depth, long instances) {
    return align(images) + align(masks) + align(depth) + align(instances);
  }

  public static long align(long n) {
    return (n + 63) & ~63L;
  }

  /**
   * The identity (device and inode) of the file at {@code path}, a link not followed: what tells
   * a ring's file from one put at its path since.
   */
  public static Object fileKey(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  public static boolean isRingName(String name) {
    return name.startsWith(PREFIX) && name.length() > PREFIX.length()
        && name.substring(PREFIX.length()).chars().allMatch(
            c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
  }
}
