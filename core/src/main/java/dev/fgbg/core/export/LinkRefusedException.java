package dev.fgbg.core.export;

import java.io.IOException;

/**
 * A symbolic link found where an export expected a file or folder of its own (one swapped in
 * while it ran, say): links are never followed, so the write is refused.
 */
public final class LinkRefusedException extends IOException {
  private static final long serialVersionUID = 1L;

  public LinkRefusedException(String path) {
    super(path + " is a symbolic link; exports never follow links");
  }
}
