package dev.fgbg.common;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Locale;

/**
 * Whether a failure is a full file system (no space, or the user's quota, left): the one test,
 * for the depth disk tier (which evicts to make room) and exports (which stop saying so), and
 * for the log level and metrics that tell a full disk, the host's problem, from a refusal.
 */
public final class DiskFull {
  private DiskFull() {}

  /**
   * True when {@code t} or one of its causes is an I/O failure that says the disk is full; false
   * for null. Only the operating system's words are read: a {@link FileSystemException}'s reason
   * (its file names are the client's), a plain {@link IOException}'s message, never that of one
   * wrapping another I/O failure (the wrapped one is read itself) nor any other exception's, as
   * a refusal's words quote client names ("unknown dataset 'quota exceeded'").
   */
  public static boolean in(Throwable t) {
    return Causes.chain(t).stream().map(DiskFull::osWords)
        .anyMatch(m -> m.contains("no space left on device") || m.contains("quota exceeded"));
  }

  private static String osWords(Throwable e) {
    String words = e instanceof FileSystemException f ? f.getReason()
        : e instanceof IOException && !(e.getCause() instanceof IOException) ? e.getMessage()
        : null;
    return words == null ? "" : words.toLowerCase(Locale.ROOT);
  }
}
