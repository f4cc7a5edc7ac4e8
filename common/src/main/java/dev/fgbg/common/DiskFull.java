package dev.fgbg.common;

import java.util.Locale;
import java.util.Objects;

/**
 * Whether a failure is a full file system (no space, or the user's quota, left): the one test,
 * for the depth disk tier (which evicts to make room) and exports (which stop saying so), and
 * for the log level and metrics that tell a full disk, the host's problem, from a refusal.
 */
public final class DiskFull {
  private DiskFull() {}

  /** True when {@code t} or one of its causes says the disk is full; false for null. */
  public static boolean in(Throwable t) {
    return Causes.chain(t).stream().map(Throwable::getMessage).filter(Objects::nonNull)
        .map(m -> m.toLowerCase(Locale.ROOT))
        .anyMatch(m -> m.contains("no space left on device") || m.contains("quota exceeded"));
  }
}
