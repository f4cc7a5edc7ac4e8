package dev.fgbg.core.export;

import dev.fgbg.common.Sha256;
import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on one export destination, held for the whole export, so that two exports
 * (in this process or another server sharing the root) never write one folder at once. The lock
 * file lives under {@code root/.fgbg-locks/}, named by the hash of the destination.
 */
final class DestinationLock implements AutoCloseable {
  static final String LOCKS = ".fgbg-locks";

  private final FileChannel channel;
  private final FileLock lock;

  private DestinationLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock or fails at once with FAILED_PRECONDITION naming the destination; the lock
   * file is reached through {@code top} (the export root's handle), never through a link.
   */
  static DestinationLock acquire(ConfinedFolder top, ExportRoot root, Path dest, String asked)
      throws IOException {
    top.mkdirs(LOCKS);
    FileChannel ch = top.channel(LOCKS + "/" + Sha256.hex(root.relative(dest)
        .getBytes(StandardCharsets.UTF_8)) + ".lock", StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      throw FgbgException.failedPrecondition("export destination '" + asked
          + "' is being written by another export right now");
    }
    return new DestinationLock(ch, lock);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
