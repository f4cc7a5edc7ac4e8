package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A client's offer of a shared-memory ring, as it came in a request (not yet checked).
 *
 * @param path the ring file, which must lie directly in the ring directory
 * @param slots slots in the ring
 * @param slotBytes bytes per slot
 * @param nonce the bytes the client wrote into the file's header
 * @param slot the slot to write into (GetSamples), or -1
 */
public record RingOffer(Path path, int slots, long slotBytes, byte[] nonce, int slot) {
  public RingOffer {
    Objects.requireNonNull(path, "path");
    nonce = nonce.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  /**
   * Bytes of the whole file: the header and every slot.
   *
   * @throws ArithmeticException when they pass a long (an offer {@link RingChecks} refuses)
   */
  public long fileBytes() {
    return Math.addExact(RingFormat.HEADER_BYTES, Math.multiplyExact(slots, slotBytes));
  }
}
