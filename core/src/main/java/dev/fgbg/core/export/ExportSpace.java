package dev.fgbg.core.export;

import dev.fgbg.core.FgbgException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Before an export writes anything: its estimated size against the per-export and total quotas
 * (RESOURCE_EXHAUSTED naming the flag) and against the free space of the destination's file
 * system, the root's or one mounted inside it (FAILED_PRECONDITION naming both figures). The
 * estimate is an upper bound: raw array bytes (exact for npy; encoded JPEG and PNG files are
 * smaller) plus per-sample overhead for file headers, metadata and label tables. What an earlier
 * run of the same destination left counts as space already taken, since a resume keeps it and
 * an overwrite frees it.
 */
final class ExportSpace {
  /** Bytes per sample for names, archive headers, JSON metadata and table rows. */
  static final long OVERHEAD_PER_SAMPLE = 2048;
  /** Bytes per sample of an npy export's tables: a labels.csv row and a labels.npy row. */
  static final long TABLES_PER_SAMPLE = 512;

  private ExportSpace() {}

  /** Upper bound of the bytes {@code job} writes. */
  static long estimate(ExportJob job) {
    long h = job.dataset().spec().height();
    long w = job.dataset().spec().width();
    long perSample = (job.outputs().image() ? h * w * 3 : 0) + (job.outputs().mask() ? h * w : 0)
        + (job.outputs().depth() ? h * w * 2 : 0) + (job.outputs().instances() ? h * w : 0);
    if (job.format() != ExportFormat.NPY) {
      perSample += perSample / 100 + OVERHEAD_PER_SAMPLE; // PNG's worst case is a little over raw
    } else {
      perSample += TABLES_PER_SAMPLE;
    }
    return job.size() * perSample + (1 << 16);
  }

  /** Refuses {@code job} into {@code dest} when it would pass a quota or the free space. */
  static void check(ExportRoot root, Path dest, ExportJob job, ExportLimits limits)
      throws IOException {
    long need = estimate(job);
    String what = String.format(Locale.ROOT, "export %s (%,d samples, %s) needs up to %s",
        root.relative(dest), job.size(), job.format().id(), human(need));
    if (need > limits.perExportBytes()) {
      throw new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, what + ", over the"
          + " per-export quota of " + human(limits.perExportBytes()) + " ("
          + ExportLimits.PER_EXPORT_FLAG + "); export a smaller range");
    }
    long held = Files.exists(dest.resolve(ManifestStore.MANIFEST), LinkOption.NOFOLLOW_LINKS)
        ? treeBytes(dest) : 0;
    if (limits.totalBytes() != Long.MAX_VALUE) {
      long others = treeBytes(root.path()) - held;
      if (others + need > limits.totalBytes()) {
        throw new FgbgException(FgbgException.Reason.RESOURCE_EXHAUSTED, what + ", but exports"
            + " under the export root hold " + human(others) + " of the total quota of "
            + human(limits.totalBytes()) + " (" + ExportLimits.TOTAL_FLAG + "); remove old"
            + " exports first");
      }
    }
    long more = Math.max(0, need - held);
    Path at = existing(dest);
    FileStore fs = Files.getFileStore(at);
    long free = fs.getUsableSpace();
    if (more > free) {
      throw FgbgException.failedPrecondition(what + (held > 0 ? " (" + human(more)
          + " more than it holds)" : "") + ", but only " + human(free) + " is free on "
          + fileSystem(root, at, fs) + "; free space or export a smaller range");
    }
  }

  /** The destination's nearest folder that exists, where its free space is measured. */
  private static Path existing(Path p) {
    Path at = p;
    while (!Files.exists(at)) {
      at = at.getParent();
    }
    return at;
  }

  /**
   * Which file system {@code fs} (that of {@code at}, on the destination's way) is, in words:
   * the export root's, or the one mounted at a folder inside the root, named relative to it.
   */
  private static String fileSystem(ExportRoot root, Path at, FileStore fs) throws IOException {
    Path mount = root.path();
    if (at.startsWith(mount)) {
      for (Path name : mount.relativize(at)) {
        if (Files.getFileStore(mount).equals(fs)) {
          break;
        }
        mount = mount.resolve(name);
      }
    }
    return mount.equals(root.path()) ? "the export root's file system"
        : "the file system mounted at '" + root.relative(mount) + "' in the export root";
  }

  /**
   * Bytes of the regular files under {@code dir}, links not followed. Another export may be
   * writing there (two exports starting at once: one's check walks while the other renames its
   * manifest into place or commits a shard folder): a file or folder gone between its folder's
   * listing and the look at it holds nothing, and must not fail the export that looked.
   */
  static long treeBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    long[] sum = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
        if (a.isRegularFile()) {
          sum[0] += a.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        return gone(e);
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        return e == null ? FileVisitResult.CONTINUE : gone(e);
      }
    });
    return sum[0];
  }

  /** Walks on past what was removed while walking; any other failure is the walk's. */
  private static FileVisitResult gone(IOException e) throws IOException {
    if (e instanceof NoSuchFileException) {
      return FileVisitResult.CONTINUE;
    }
    throw e;
  }

  /** Bytes for people: "512 B", "3.4 MB", "1.20 GB" (decimal units, as the quota flags). */
  static String human(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "unlimited";
    }
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v < 10 ? "%.2f %s" : "%.1f %s", v,
        units[u]);
  }
}
