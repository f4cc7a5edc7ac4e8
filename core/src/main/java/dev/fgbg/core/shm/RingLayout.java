package dev.fgbg.core.shm;

import java.nio.charset.StandardCharsets;

/** The ring file's layout (little-endian; see SharedMemoryOffer in fgbg.proto). */
final class RingLayout {
  static final String PREFIX = "fgbg-ring-";
  static final int HEADER_BYTES = 4096;
  static final byte[] MAGIC = "FGBGRNG1".getBytes(StandardCharsets.US_ASCII);
  static final int NONCE_OFFSET = 8;
  static final int NONCE_BYTES = 16;
  static final int SLOTS_OFFSET = 24;
  static final int PID_OFFSET = 28;
  static final int SLOT_BYTES_OFFSET = 32;
  static final int STATES_OFFSET = 64;
  static final int MAX_SLOTS = 64;
  /** One mapping holds the whole file: a Java buffer's index is an int. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE;
  static final int FREE = 0;
  static final int WRITTEN = 1;

  private RingLayout() {}

  static int stateOffset(int slot) {
    return STATES_OFFSET + 4 * slot;
  }

  static long slotOffset(int slot, long slotBytes) {
    return HEADER_BYTES + slot * slotBytes;
  }

  static boolean isRingName(String name) {
    return name.startsWith(PREFIX) && name.length() > PREFIX.length()
        && name.substring(PREFIX.length()).chars().allMatch(
            c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
  }
}
