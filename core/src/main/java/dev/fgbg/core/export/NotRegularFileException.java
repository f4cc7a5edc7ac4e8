package dev.fgbg.core.export;

import dev.fgbg.common.RegularFiles;
import java.io.IOException;

/**
 * A FIFO, socket or device found where an export expected a file of its own: never opened (a
 * FIFO's open blocks until its other end is opened, which would hold the export, its
 * destination's lock and its slot for ever), so the export is refused naming it.
 */
public final class NotRegularFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public NotRegularFileException(String path) {
    super("'" + path + "' " + RegularFiles.NOT_REGULAR);
  }
}
