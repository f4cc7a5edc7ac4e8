package dev.fgbg.core.assets;

/**
 * The cause of a refusal that depends on this host, not on the file's bytes alone (the heap's
 * share a decode needs, an open that failed): {@link PhotoCache} never remembers such a refusal,
 * so the next start tries the file again.
 */
final class HostBound extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HostBound(String why, Throwable cause) {
    super(why, cause, false, false);
  }

  /** Whether refusal {@code e} is one. */
  static boolean in(Throwable e) {
    return e.getCause() instanceof HostBound;
  }
}
