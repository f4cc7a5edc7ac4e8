package dev.fgbg.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one check made before a file is opened that a FIFO, socket or device is not: opening a
 * FIFO blocks until its other end is opened, for ever (Java offers no {@code O_NONBLOCK}), so
 * the name's attributes are read first and such a name is refused in these words.
 */
public final class RegularFiles {
  /** What a message says of such a name. */
  public static final String NOT_REGULAR = "is not a regular file (a FIFO, socket or device)";

  private RegularFiles() {}

  /** Whether {@code a} is neither a regular file, a folder nor a link: never to be opened. */
  public static boolean isOther(BasicFileAttributes a) {
    return !a.isRegularFile() && !a.isDirectory() && !a.isSymbolicLink();
  }

  /**
   * Whether {@code p} (links followed) is a FIFO, socket or device; false when it is missing
   * (whoever opens it then says so), a regular file or a folder.
   */
  public static boolean isOther(Path p) throws IOException {
    try {
      return isOther(Files.readAttributes(p, BasicFileAttributes.class));
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
