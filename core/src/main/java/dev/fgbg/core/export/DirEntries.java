package dev.fgbg.core.export;

import dev.fgbg.common.RegularFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a name in a folder's handle is, read through that handle without following a link and
 * without opening it: what {@link HandleWalk} and {@link ConfinedFolder} check before an open,
 * since opening a FIFO waits for its other end for ever (Java has no {@code O_NONBLOCK}).
 */
final class DirEntries {
  private DirEntries() {}

  /** The attributes of {@code name} in {@code dir}, of a link itself; null when absent. */
  static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name)
      throws IOException {
    try {
      return dir.getFileAttributeView(name, BasicFileAttributeView.class, HandleWalk.NOFOLLOW)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Whether {@code name} is in {@code dir} (false too when it cannot be read). */
  static boolean exists(SecureDirectoryStream<Path> dir, Path name) {
    try {
      return attributes(dir, name) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Refuses a FIFO, socket or device that {@code a} (null: nothing there) describes, naming it
   * as {@code described} and saying whether a folder or a file was expected there.
   */
  static void refuseIfOther(BasicFileAttributes a, Path described, boolean folderExpected)
      throws NotRegularFileException {
    if (a != null && RegularFiles.isOther(a)) {
      throw new NotRegularFileException(described.toString(), folderExpected);
    }
  }
}
