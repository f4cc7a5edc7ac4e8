package dev.fgbg.core.export;

import java.nio.file.FileSystemException;

/**
 * A file where an export needs a folder on its way, or a folder where it needs a file: named by
 * its own path (the lock folder, a file on the way to the destination), not by the destination
 * the export was writing, which may not even exist.
 */
public final class MisplacedException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  /** {@code path} and what is wrong with it ("not a folder"). */
  public MisplacedException(String path, String why) {
    super(path, null, why);
  }
}
