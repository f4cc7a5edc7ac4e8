package dev.fgbg.core.export;

import dev.fgbg.common.RegularFiles;
import java.io.IOException;

/**
 * A FIFO, socket or device found where an export expected a file or a folder of its own: never
 * opened (a FIFO's open blocks until its other end is opened, which would hold the export, its
 * destination's lock and its slot for ever), so the export is refused naming it and what was
 * expected there.
 */
public final class NotRegularFileException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Words for a name where a folder was expected. */
  static final String NOT_FOLDER = "is not a folder (a FIFO, socket or device)";

  public NotRegularFileException(String path, boolean folderExpected) {
    super("'" + path + "' " + (folderExpected ? NOT_FOLDER : RegularFiles.NOT_REGULAR));
  }
}
