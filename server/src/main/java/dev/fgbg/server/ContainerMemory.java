package dev.fgbg.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The memory limit of the container (cgroup) the server runs in, or {@link #NONE}. A JVM sized
 * for the machine in a container of less is killed by the kernel (OOM), without a word in the
 * log: cgroup v2's {@code memory.max}, else v1's {@code memory/memory.limit_in_bytes}, in the
 * process's own cgroup (/proc/self/cgroup) and those above it; "max", a
 * huge value (v1's "unlimited" is 2^63 rounded to a page) or an unreadable file means none.
 */
public final class ContainerMemory {
  /** No limit found. */
  public static final long NONE = 0;
  /** At or above this a limit is "unlimited" (v1 writes 9223372036854771712). */
  static final long UNLIMITED = 1L << 60;
  private static final Path CGROUP = Path.of("/sys/fs/cgroup");

  private ContainerMemory() {}

  /** This process's container's limit in bytes, or {@link #NONE}. */
  public static long limitBytes() {
    String own;
    try {
      own = Files.readString(Path.of("/proc/self/cgroup"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      own = "";
    }
    return limitBytes(CGROUP, own);
  }

  /**
   * The limit read under {@code cgroupRoot} (a test's fake tree), or {@link #NONE}, for a
   * process whose /proc/self/cgroup is {@code procSelfCgroup}: the smallest limit on the way
   * from its own cgroup up to the root that the container shows it (a container with its own
   * cgroup namespace sees its own at the root; a process without one, its path below).
   */
  static long limitBytes(Path cgroupRoot, String procSelfCgroup) {
    String v2 = "/";
    String v1 = "/";
    for (String line : procSelfCgroup.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
        v2 = f[2];
      } else if (f.length == 3 && Arrays.asList(f[1].split(",")).contains("memory")) {
        v1 = f[2];
      }
    }
    long limit = smallest(cgroupRoot, v2, "memory.max");
    return limit != NONE ? limit : smallest(cgroupRoot.resolve("memory"), v1,
        "memory.limit_in_bytes");
  }

  private static long smallest(Path root, String own, String file) {
    long least = NONE;
    Path rel = Path.of(own.startsWith("/") ? own.substring(1) : own);
    for (Path p = rel; ; p = p.getParent()) {
      Path dir = p == null || p.toString().isEmpty() ? root : root.resolve(p);
      long v = dir.normalize().startsWith(root) ? read(dir.resolve(file)) : NONE;
      if (v != NONE && (least == NONE || v < least)) {
        least = v;
      }
      if (p == null || p.toString().isEmpty()) {
        return least;
      }
    }
  }

  private static long read(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
      long v = Long.parseLong(s);
      return v <= 0 || v >= UNLIMITED ? NONE : v;
    } catch (IOException | NumberFormatException e) {
      return NONE; // "max", no such file (no cgroup, or the other version): no limit
    }
  }
}
