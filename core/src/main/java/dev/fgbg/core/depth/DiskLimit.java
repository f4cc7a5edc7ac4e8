package dev.fgbg.core.depth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The disk tiers' limit against their file system's free space. A limit the user gave is kept,
 * and warned about when the disk would fill first; with none given the tier takes
 * {@link #DEFAULT}, which the free space bounds, so a laptop's default start is not warned about.
 */
public final class DiskLimit {
  /**
   * No limit given: the smaller of {@link #CAP} and half of what the tier holds and the free
   * space together, a figure the tier's own writes do not change (a write moves bytes from the
   * free space to the tier), so it does not grow from one start to the next. It bounds both
   * tiers of a {@code --cache-dir} (depth maps, photos) together ({@link DiskBudget}), both
   * counted as held: half of the room is left to exports and everything else.
   */
  public static final long DEFAULT = -1;
  /** The default limit where the disk has room: the built-in 400,000 maps take 41 GB. */
  public static final long CAP = 50_000_000_000L;

  private DiskLimit() {}

  /** {@link #of(long, long, long)} with the free space of {@code dir}'s file system. */
  static long of(Path dir, long given, long held) throws IOException {
    return of(given, held, free(dir));
  }

  /**
   * The limit of a tier holding {@code held} bytes with {@code free} bytes free beside it:
   * {@code given}, or for {@link #DEFAULT} half of held and free together (the rest for
   * exports and everything else), at most {@link #CAP}. Held plus half the free, as before,
   * grew at every restart (0 + F/2, then F/2 + F/4, ...) until the disk was full.
   */
  static long of(long given, long held, long free) {
    return given != DEFAULT ? given : Math.min(CAP, (held + free) / 2);
  }

  /** The limit's words for the start-up line, of one tier or of both ({@code together}). */
  static String describe(long given, long limit, boolean together) {
    return String.format(Locale.ROOT, "limit %.1f MB%s%s", limit / 1e6,
        together ? " for both tiers together" : "", given != DEFAULT ? ""
        : limit < CAP ? ": the default, half of what it holds and the free space together, "
        + "as that is under 50 GB" : ": the default");
  }

  /**
   * A line when a given limit is more than the records held and the file system's free space
   * together (the tier would fill the disk, and its writes fail, long before its limit), else
   * null. The flag is the server's ({@code --disk-cache-gb}); {@code label} names the tier.
   */
  static String overFreeSpace(String label, Path dir, long limit, long held) throws IOException {
    long free = free(dir);
    if (limit - held <= free) {
      return null;
    }
    return String.format(Locale.ROOT, "%s %s: its limit, %.1f MB, is more than the %.1f MB it "
        + "holds and the %.1f MB free on its file system; writes will fail when the disk is "
        + "full: lower the limit (--disk-cache-gb) or free space", label, dir,
        limit / 1e6, held / 1e6, free / 1e6);
  }

  private static long free(Path dir) throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }
}
