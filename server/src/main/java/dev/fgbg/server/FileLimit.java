package dev.fgbg.server;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.fgbg.common.Causes;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's open-files limit (ulimit -n). An idle server holds about 70 file handles (the
 * JVM's jars and libraries, epoll, its listening sockets); each client connection, stream ring,
 * export and image being read takes more. Near the limit, sockets and files fail with "Too many
 * open files" in places that cannot say why, so the server says it once at start.
 */
final class FileLimit {
  /**
   * Below this the server is too tight to serve: 70 at idle leaves about 180 for connections,
   * 32-stream clients (a socket and a ring each) and exports.
   */
  static final long MIN_FILES = 256;
  /**
   * Below this the server does not start: at 64 Netty cannot open its sockets (an
   * IllegalStateException and a stack trace), near 40 the JVM itself cannot load its classes;
   * at 100 it starts, and refuses what it has no handles for.
   */
  static final long MIN_START = 96;

  private FileLimit() {}

  /** The limit, or -1 where the JVM cannot tell (not Unix). */
  static long max() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean u ? u.getMaxFileDescriptorCount() : -1;
  }

  /** The line to say at start, or null when the limit is enough (or unknown). */
  static String startLine(long max) {
    if (max < 0 || max >= MIN_FILES) {
      return null;
    }
    return "the open-files limit (ulimit -n) is " + max + ", too low to serve: an idle server "
        + "holds about 70 and each connection, stream and export more; raise it to "
        + MIN_FILES + " or more (ulimit -n 65536; docker run --ulimit nofile=65536)";
  }

  /** Whether the server can start at all under {@code max} (-1: unknown, it tries). */
  static boolean canStart(long max) {
    return max < 0 || max >= MIN_START;
  }

  /** Whether {@code t}'s cause chain says the process ran out of file handles (EMFILE). */
  static boolean outOfFiles(Throwable t) {
    for (Throwable e : Causes.chain(t)) {
      if (String.valueOf(e.getMessage()).contains("Too many open files")) {
        return true;
      }
    }
    return false;
  }
}
