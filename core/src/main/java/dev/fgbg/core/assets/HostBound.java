package dev.fgbg.core.assets;

import dev.fgbg.common.Causes;

/**
 * The cause of a refusal that depends on this host, not on the file's bytes alone (the heap's
 * share a decode needs, an open or a read of the file that failed): {@link PhotoCache} never
 * remembers such a refusal, so the next start tries the file again.
 */
final class HostBound extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HostBound(String why, Throwable cause) {
    super(why, cause, false, false);
  }

  /** Whether refusal {@code e} has one among its causes. */
  static boolean in(Throwable e) {
    return Causes.find(e, HostBound.class).isPresent();
  }
}
