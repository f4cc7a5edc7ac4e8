package dev.fgbg.core.depth;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** How {@link DiskTier} writes and removes a record's file. */
final class RecordFiles {
  private RecordFiles() {}

  /** One write through a temporary file; the failure, or null. Nothing half-written stays. */
  static IOException write(Path p, byte[] record) {
    Path tmp = p.resolveSibling(p.getFileName() + "." + ThreadLocalRandom.current().nextLong()
        + ".tmp");
    try {
      Files.createDirectories(p.getParent());
      Files.write(tmp, record, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
      }
      return null;
    } catch (IOException e) {
      removeQuietly(tmp);
      return e;
    }
  }

  /**
   * A half-written temporary file (the disk full) would otherwise stay for ever; so would a
   * record that failed its checks (removed quietly: start-up removes a stale temporary file).
   */
  static void removeQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // see above
    }
  }
}
