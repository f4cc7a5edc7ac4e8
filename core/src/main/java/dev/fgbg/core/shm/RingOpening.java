package dev.fgbg.core.shm;

import dev.fgbg.common.RingFormat;
import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Opening an offered ring: {@link RingChecks} first, then the mapping and its header. */
final class RingOpening {
  private RingOpening() {}

  static SharedRing open(RingOffer offer, Path directory) throws RingRefusedException {
    Path path = offer.path();
    RingChecks.offer(offer, directory);
    Object key = RingChecks.file(path, offer.fileBytes());
    FileChannel ch = null;
    SharedRing ring;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      if (ch.size() != offer.fileBytes()) {
        throw new RingRefusedException(RingChecks.quoted(path) + " has " + ch.size()
            + " bytes, not " + offer.fileBytes());
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, offer.fileBytes());
      map.order(ByteOrder.LITTLE_ENDIAN);
      ring = new SharedRing(path, offer.slots(), offer.slotBytes(), ch, key, map);
    } catch (NoSuchFileException e) {
      closeQuietly(ch);
      throw new RingRefusedException(RingChecks.quoted(path)
          + " does not exist on the server's host", e);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new RingRefusedException("cannot map " + RingChecks.quoted(path) + ": "
          + RingChecks.reason(e), e);
    } catch (RingRefusedException e) {
      closeQuietly(ch);
      throw e;
    }
    try {
      ring.checkHeader(offer);
    } catch (RingRefusedException | FgbgException e) {
      ring.unmap();
      throw e instanceof RingRefusedException r ? r
          : new RingRefusedException(e.getMessage(), e);
    }
    return ring;
  }

  static void closeQuietly(FileChannel ch) {
    try (FileChannel closing = ch) {
      // closed on the way out; a null channel is skipped
    } catch (IOException e) {
      // nothing to do
    }
  }


  /** Removes {@code path} if it still names the file {@code fileKey} (not one put there since). */
  static void removeIfSame(Path path, Object fileKey) {
    try {
      if (Objects.equals(RingFormat.fileKey(path), fileKey)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // Gone already, or the start-up sweep removes it.
    }
  }
}
